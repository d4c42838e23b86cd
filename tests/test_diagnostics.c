/*
 * test_diagnostics.c - the catalogue of broken scenarios in tests/bad/.
 *
 * Each tests/bad/NAME.yaml is loaded and its diagnostics, printed exactly as
 * `chokepoint validate` prints them, must equal tests/bad/NAME.expected
 * byte for byte: messages and positions are user interface.  To add a case,
 * add the .yaml, run `chokepoint validate` on it, read the output as a
 * user would, and save it as the .expected file.
 * Also: every scenario shipped in scenarios/ loads without a diagnostic.
 */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted .yaml files of a directory; the count in *n. */
static char **list_yaml(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	char **v = NULL;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
			v = realloc(v, (*n + 1) * sizeof(char *));
			v[(*n)++] = strdup(e->d_name);
		}
	}
	closedir(d);
	qsort(v, *n, sizeof(char *), by_name);
	return v;
}

static void test_diagnostics_catalogue(void **state)
{
	(void)state;
	size_t n, failures = 0;
	char **names = list_yaml("tests/bad", &n);
	assert_true(n >= 60);
	for (size_t i = 0; i < n; i++) {
		char path[512], expected_path[512];
		snprintf(path, sizeof path, "tests/bad/%s", names[i]);
		snprintf(expected_path, sizeof expected_path, "tests/bad/%.*s.expected", (int)strlen(names[i]) - 5,
			 names[i]);
		char *expected = slurp(expected_path);
		if (!expected) {
			print_error("%s: missing %s\n", path, expected_path);
			failures++;
			continue;
		}
		struct diags d;
		struct scenario *sc = NULL;
		diags_init(&d, path);
		enum scenario_status st = scenario_load(path, &sc, &d);
		char *got = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&got, &len);
		diags_print(&d, m);
		fclose(m);
		if (st != SCENARIO_INVALID || d.n == 0 || strcmp(got, expected) != 0) {
			print_error("%s: status %d\n--- expected\n%s--- got\n%s", path, st, expected, got);
			failures++;
		}
		scenario_free(sc);
		diags_release(&d);
		free(got);
		free(expected);
		free(names[i]);
	}
	free(names);
	assert_int_equal(failures, 0);
}

/* Loads path; fails the test with its diagnostics if it does not load. */
static struct scenario *load_ok(const char *path, const char *text, size_t len)
{
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, path);
	enum scenario_status st = text ? scenario_load_buffer(path, text, len, &sc, &d) : scenario_load(path, &sc, &d);
	if (st != SCENARIO_OK) {
		diags_print(&d, stderr);
		fail_msg("%s does not load%s", path, text ? " once resolved" : "");
	}
	diags_release(&d);
	return sc;
}

/* Every shipped scenario loads, and so does its resolved form (every
 * default written out, as results directories and 'spof' use it), which
 * resolves to itself. */
static void check_shipped(const char *path)
{
	struct scenario *sc = load_ok(path, NULL, 0);
	size_t len, len2;
	char *text = scenario_resolved_yaml(sc, &len);
	assert_non_null(text);
	struct scenario *again = load_ok(path, text, len); /* the same directory, for data files */
	char *text2 = scenario_resolved_yaml(again, &len2);
	assert_non_null(text2);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	free(text);
	free(text2);
	scenario_free(sc);
	scenario_free(again);
}

static void test_diagnostics_shipped_scenarios_are_valid(void **state)
{
	(void)state;
	size_t n;
	char **names = list_yaml("scenarios", &n);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof path, "scenarios/%s", names[i]);
		check_shipped(path);
		free(names[i]);
	}
	free(names);
	check_shipped("tests/memcheck.yaml");
	check_shipped("bench/b3-three-tier.yaml");
}

static void test_diagnostics_missing_file_is_an_io_error(void **state)
{
	(void)state;
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, "tests/bad/no-such-file.yaml");
	assert_int_equal(scenario_load("tests/bad/no-such-file.yaml", &sc, &d), SCENARIO_IO);
	assert_null(sc);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg, "cannot read scenario: No such file or directory");
	diags_release(&d);
}

static void test_diagnostics_huge_file_is_refused_unread(void **state)
{
	(void)state;
	/* A 17 MiB file (comments): refused by size, before any parsing. */
	char path[512];
	write_temp(path, sizeof path, "huge.yaml", "");
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	char line[1024];
	memset(line, 'x', sizeof line - 1);
	line[0] = '#';
	line[sizeof line - 2] = '\n';
	line[sizeof line - 1] = '\0';
	for (int i = 0; i < 17 * 1024; i++)
		fputs(line, f);
	fclose(f);
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, path);
	assert_int_equal(scenario_load(path, &sc, &d), SCENARIO_IO);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg,
			    "cannot read scenario: it is larger than the limit of 16 MiB; refusing to read it");
	diags_release(&d);
	unlink(path);
}

/* Aliases of scalar anchors count against the alias budget like any: a
 * file of 2,000 anchors and 20,000 aliases to them is refused (it once went
 * through, and the scan behind it was quadratic in anchors x aliases). */
static void test_diagnostics_every_alias_counts(void **state)
{
	(void)state;
	size_t cap = 1 << 20, n = 0;
	char *text = malloc(cap);
	n += (size_t)snprintf(text + n, cap - n, "x:\n");
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(text + n, cap - n, "  - &a%d v\n", i);
	n += (size_t)snprintf(text + n, cap - n, "y: [");
	for (int i = 0; i < 20000; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s*a%d", i ? ", " : "", i % 2000);
	n += (size_t)snprintf(text + n, cap - n, "]\n");
	assert_true(n < cap);
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, "aliases.yaml");
	assert_int_equal(scenario_load_buffer("aliases.yaml", text, n, &sc, &d), SCENARIO_INVALID);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.v[0].msg, "YAML aliases here add more than 10000 nodes"));
	diags_release(&d);
	free(text);
}

static void test_diagnostics_fuzz_regressions_do_not_crash(void **state)
{
	(void)state;
	/* Every input the fuzzer once broke us with: loads, or is refused with a
	 * diagnostic.  (An empty directory passes: nothing has broken us yet.) */
	DIR *dir = opendir("tests/fuzz-regressions");
	assert_non_null(dir);
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "tests/fuzz-regressions/%s", e->d_name);
		struct diags d;
		struct scenario *sc = NULL;
		diags_init(&d, path);
		enum scenario_status st = scenario_load(path, &sc, &d);
		assert_true(st == SCENARIO_OK ? d.n == 0 : d.n > 0);
		scenario_free(sc);
		diags_release(&d);
	}
	closedir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diagnostics_catalogue),
		cmocka_unit_test(test_diagnostics_shipped_scenarios_are_valid),
		cmocka_unit_test(test_diagnostics_missing_file_is_an_io_error),
		cmocka_unit_test(test_diagnostics_huge_file_is_refused_unread),
		cmocka_unit_test(test_diagnostics_every_alias_counts),
		cmocka_unit_test(test_diagnostics_fuzz_regressions_do_not_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
