/*
 * fuzz_scenario.c - libFuzzer harness for the scenario loader.
 *
 * Any input must load or be refused with at least one diagnostic, never
 * crash, hang or leak.  An input that loads must also round-trip: its
 * resolved YAML (every default filled in) must load again, without a
 * diagnostic.  `make fuzz` runs it; a crash it finds goes into
 * tests/fuzz-regressions/, which test_diagnostics replays on every test run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../cli/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, "fuzz.yaml");
	enum scenario_status st = scenario_load_buffer("fuzz.yaml", (const char *)data, size, &sc, &d);
	if (st == SCENARIO_OK) {
		if (d.n != 0)
			abort(); /* loaded, yet complained */
		size_t len;
		char *text = scenario_resolved_yaml(sc, &len);
		if (!text)
			abort();
		struct diags d2;
		struct scenario *again = NULL;
		diags_init(&d2, "resolved.yaml");
		if (scenario_load_buffer("resolved.yaml", text, len, &again, &d2) != SCENARIO_OK) {
			diags_print(&d2, stderr);
			abort(); /* the resolved scenario must be valid */
		}
		scenario_free(again);
		diags_release(&d2);
		free(text);
	} else if (d.n == 0) {
		abort(); /* refused without saying why */
	}
	scenario_free(sc);
	diags_release(&d);
	return 0;
}
