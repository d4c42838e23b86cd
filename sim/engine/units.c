/* units.c - see units.h. */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
	const char *name;
	double factor;
};

static const char *skip_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Reads a finite number at the start of s; *end after it. */
static int leading_number(const char *s, double *v, const char **end)
{
	s = skip_blank(s);
	/* strtod accepts "nan", "inf" and hex: scenario numbers are decimal. */
	if (!(isdigit((unsigned char)*s) || *s == '.' || *s == '-' || *s == '+'))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]))
		return -1; /* "0x1p3"; but "0x" is a factor of zero */
	char *e;
	errno = 0;
	*v = strtod(s, &e);
	if (e == s || errno == ERANGE || !isfinite(*v))
		return -1;
	*end = e;
	return 0;
}

/* Matches the rest of the string, blanks trimmed, against a unit table. */
static int match_unit(const char *rest, const struct unit *units, double *factor)
{
	rest = skip_blank(rest);
	size_t n = strlen(rest);
	while (n > 0 && isspace((unsigned char)rest[n - 1]))
		n--;
	for (const struct unit *u = units; u->name; u++) {
		if (strlen(u->name) == n && strncmp(rest, u->name, n) == 0) {
			*factor = u->factor;
			return 0;
		}
	}
	return -1;
}

static int with_unit(const char *s, const struct unit *units, double *out, const char **err, const char *expected)
{
	double v, f;
	const char *end;
	if (leading_number(s, &v, &end) < 0 || match_unit(end, units, &f) < 0) {
		*err = expected;
		return -1;
	}
	*out = v * f;
	return 0;
}

static const struct unit time_units[] = {
	{"ns", 1e-9}, {"us", 1e-6},  {"µs", 1e-6},  {"ms", 1e-3},   {"s", 1.0},
	{"m", 60.0},  {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}, {NULL, 0},
};

int units_duration(const char *s, double *out, const char **err)
{
	return with_unit(s, time_units, out, err, "a duration with a unit (ns, us, ms, s, m, h, d), e.g. '4ms'");
}

int units_rate(const char *s, double *out, const char **err)
{
	static const struct unit per[] = {
		{"/s", 1.0}, {"/m", 1.0 / 60}, {"/min", 1.0 / 60}, {"/h", 1.0 / 3600}, {NULL, 0},
	};
	return with_unit(s, per, out, err, "a rate with a unit (/s, /m, /h), e.g. '800/s'");
}

int units_size(const char *s, double *out, const char **err)
{
	static const struct unit u[] = {
		{"B", 1},        {"KB", 1e3},        {"MB", 1e6},           {"GB", 1e9},
		{"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {NULL, 0},
	};
	return with_unit(s, u, out, err, "a size with a unit (B, KB, MB, GB, KiB, MiB, GiB), e.g. '10KB'");
}

int units_bandwidth(const char *s, double *out, const char **err)
{
	static const struct unit u[] = {
		{"bps", 1}, {"Kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}, {NULL, 0},
	};
	return with_unit(s, u, out, err, "a bandwidth with a unit (bps, Kbps, Mbps, Gbps), e.g. '1Gbps'");
}

int units_money(const char *s, double *out, const char **err)
{
	static const struct unit u[] = {
		{"/h", 1.0},
		{"/month", 1.0 / 730},
		{"/year", 1.0 / 8760},
		{NULL, 0},
	};
	const char *msg = "a price in dollars per hour, month or year, e.g. '$0.096/h' or '$70/month'";
	s = skip_blank(s);
	if (*s != '$') {
		*err = msg;
		return -1;
	}
	if (with_unit(s + 1, u, out, err, msg) < 0 || *out < 0) {
		*err = msg;
		return -1;
	}
	return 0;
}

int units_price_gb(const char *s, double *out, const char **err)
{
	static const struct unit u[] = {{"/GB", 1.0}, {"/TB", 1e-3}, {"/MB", 1e3}, {NULL, 0}};
	const char *msg = "a price per amount of data, e.g. '$0.09/GB'";
	s = skip_blank(s);
	if (*s != '$' || with_unit(s + 1, u, out, err, msg) < 0 || *out < 0) {
		*err = msg;
		return -1;
	}
	return 0;
}

int units_fraction(const char *s, double *out, const char **err)
{
	static const struct unit u[] = {{"", 1.0}, {"%", 0.01}, {NULL, 0}};
	return with_unit(s, u, out, err, "a fraction such as '0.25' or '25%'");
}

int units_number(const char *s, double *out, const char **err)
{
	static const struct unit u[] = {{"", 1.0}, {NULL, 0}};
	return with_unit(s, u, out, err, "a number");
}

int units_factor(const char *s, double *out, const char **err)
{
	static const struct unit u[] = {{"", 1.0}, {"x", 1.0}, {NULL, 0}};
	return with_unit(s, u, out, err, "a factor such as '10x'");
}

int units_count(const char *s, int allow_unlimited, long *out, const char **err)
{
	s = skip_blank(s);
	if (allow_unlimited && strcmp(s, "unlimited") == 0) {
		*out = LONG_MAX;
		return 0;
	}
	char *end;
	errno = 0;
	long v = isdigit((unsigned char)*s) || *s == '-' ? strtol(s, &end, 10) : 0;
	if (!(isdigit((unsigned char)*s) || *s == '-') || errno == ERANGE || *skip_blank(end) != '\0') {
		*err = allow_unlimited ? "a whole number or 'unlimited'" : "a whole number";
		return -1;
	}
	*out = v;
	return 0;
}

/* x (in units of unit) with three significant digits and no exponent;
 * returns the magnitude as printed (rounded). */
static double three_digits(double x, const char *unit, char *buf, int size)
{
	double a = fabs(x);
	int decimals = a >= 100 ? 0 : a >= 10 ? 1 : 2;
	char t[64];
	snprintf(t, sizeof t, "%.*f", decimals, a);
	snprintf(buf, size, "%s%s%s", x < 0 ? "-" : "", t, unit);
	return strtod(t, NULL);
}

void units_format_duration(double x, char *buf, int size)
{
	static const struct {
		double scale, limit; /* seconds per unit; how many of it the next unit starts at */
		const char *name;
	} u[] = {{1e-9, 1000, "ns"}, {1e-6, 1000, "us"}, {1e-3, 1000, "ms"},
		 {1, 1000, "s"},     {60, 60, "min"},    {3600, HUGE_VAL, "h"}};
	double a = fabs(x);
	if (a == 0 || !isfinite(x)) {
		snprintf(buf, size, a == 0 ? "0s" : "%gs", x);
		return;
	}
	size_t i = 0;
	while (i + 1 < sizeof u / sizeof *u && a / u[i].scale >= u[i].limit)
		i++;
	for (;; i++) {
		if (i + 1 == sizeof u / sizeof *u && a / u[i].scale >= 1000) { /* hours: whole ones */
			snprintf(buf, size, "%.0fh", x / u[i].scale);
			return;
		}
		/* Rounded up to the next unit's threshold (999.96us): print in that one. */
		double shown = three_digits(x / u[i].scale, u[i].name, buf, size);
		if (shown < u[i].limit || i + 1 == sizeof u / sizeof *u)
			return;
	}
}
