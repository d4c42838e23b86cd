/*
 * fuzz_partial.c - libFuzzer harness for the results reader that
 * `chokepoint merge` uses (partial.c): any input is read or refused with a
 * message, never a crash, a leak or a hang.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../cli/partial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct partial p;
	char err[512] = "";
	if (partial_parse((const char *)data, size, &p, err, sizeof err) == 0) {
		/* What merge relies on: within bounds, as parsed. */
		if (p.n_recs > p.n_runs)
			abort();
		for (long k = 0; k < p.n_recs; k++)
			if (p.recs[k].rep < 0 || p.recs[k].rep >= p.n_runs || p.recs[k].metrics.n != p.n_metrics)
				abort();
		partial_release(&p);
	} else if (!err[0]) {
		abort(); /* refused without saying why */
	}
	return 0;
}
