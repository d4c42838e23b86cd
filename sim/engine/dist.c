/*
 * dist.c - parsing and sampling of distributions.
 *
 * Parameters as stored:
 *   CONST a=x; EXP a=mean; UNIFORM a,b; NORMAL a=mean b=sd;
 *   LOGNORMAL a=zeta b=sigma c=mean (converted from mean, sd);
 *   GAMMA a=shape b=scale; WEIBULL a=scale b=shape; PARETO a=min b=alpha;
 *   HYPEREXP a=p b=mean1 c=mean2; EMPIRICAL values.
 */
#include "dist.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "units.h"
#include "util.h"

enum arg_kind { A_TIME, A_NUM, A_PROB };

struct dist_form {
	const char *name;
	enum dist_type type;
	int n_args;
	enum arg_kind args[3];
	const char *usage;
};

static const struct dist_form forms[] = {
	{"const", DIST_CONST, 1, {A_TIME}, "const(x)"},
	{"exp", DIST_EXP, 1, {A_TIME}, "exp(mean)"},
	{"uniform", DIST_UNIFORM, 2, {A_TIME, A_TIME}, "uniform(min, max)"},
	{"normal", DIST_NORMAL, 2, {A_TIME, A_TIME}, "normal(mean, sd)"},
	{"lognormal", DIST_LOGNORMAL, 2, {A_TIME, A_TIME}, "lognormal(mean, sd)"},
	{"gamma", DIST_GAMMA, 2, {A_TIME, A_NUM}, "gamma(mean, cv)"},
	{"weibull", DIST_WEIBULL, 2, {A_TIME, A_NUM}, "weibull(scale, shape)"},
	{"pareto", DIST_PARETO, 2, {A_TIME, A_NUM}, "pareto(min, alpha)"},
	{"hyperexp", DIST_HYPEREXP, 3, {A_PROB, A_TIME, A_TIME}, "hyperexp(p, mean1, mean2)"},
};

static int fail(char *err, size_t n, const char *fmt, const char *arg)
{
	snprintf(err, n, fmt, arg);
	return -1;
}

static void trim(char *s)
{
	char *p = s;
	while (isspace((unsigned char)*p))
		p++;
	memmove(s, p, strlen(p) + 1);
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

int dist_parse(struct dist *d, const char *s, char *err, size_t errsize)
{
	char buf[512];
	const char *uerr;
	double v;

	memset(d, 0, sizeof(*d));
	if (strlen(s) >= sizeof(buf))
		return fail(err, errsize, "%s", "distribution text is too long");
	strcpy(buf, s);
	trim(buf);
	char *open = strchr(buf, '(');
	if (!open) {
		/* A bare duration is a constant. */
		if (units_duration(buf, &v, &uerr) < 0 || v < 0)
			return fail(err, errsize,
				    "expected a distribution such as 'exp(4ms)' or a duration such as '4ms', not '%s'",
				    buf);
		d->type = DIST_CONST;
		d->a = v;
		return 0;
	}
	size_t len = strlen(buf);
	if (buf[len - 1] != ')')
		return fail(err, errsize, "missing ')' in distribution '%s'", s);
	buf[len - 1] = '\0';
	*open = '\0';
	char *name = buf, *args = open + 1;
	trim(name);

	if (strcmp(name, "empirical") == 0) {
		trim(args);
		if (!*args)
			return fail(err, errsize, "%s", "empirical(...) needs a CSV file name");
		if (strlen(args) >= sizeof(d->path))
			return fail(err, errsize, "%s", "empirical file name is too long");
		d->type = DIST_EMPIRICAL;
		strcpy(d->path, args);
		return 0;
	}

	const struct dist_form *f = NULL;
	for (size_t i = 0; i < ARRAY_LEN(forms); i++)
		if (strcmp(forms[i].name, name) == 0)
			f = &forms[i];
	if (!f)
		return fail(err, errsize,
			    "unknown distribution '%s' (known: const, exp, uniform, normal, lognormal, gamma, weibull, "
			    "pareto, hyperexp, empirical)",
			    name);

	double x[3] = {0};
	int n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(args, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == f->n_args) {
			n++;
			break;
		}
		trim(tok);
		int bad;
		switch (f->args[n]) {
		case A_TIME:
			bad = units_duration(tok, &x[n], &uerr) < 0;
			if (bad) {
				snprintf(err, errsize,
					 "argument %d of %s must be a duration with a unit, e.g. '4ms', not '%s'",
					 n + 1, f->usage, tok);
				return -1;
			}
			break;
		default:
			bad = units_number(tok, &x[n], &uerr) < 0;
			if (bad) {
				snprintf(err, errsize, "argument %d of %s must be a plain number, not '%s'", n + 1,
					 f->usage, tok);
				return -1;
			}
		}
		n++;
	}
	if (n != f->n_args)
		return fail(err, errsize, "expected %s", f->usage);
	for (int i = 0; i < n; i++)
		if (x[i] < 0)
			return fail(err, errsize, "%s takes no negative arguments", f->usage);

	d->type = f->type;
	switch (f->type) {
	case DIST_CONST:
	case DIST_EXP:
		if (f->type == DIST_EXP && x[0] <= 0)
			return fail(err, errsize, "%s", "exp(mean) needs a mean > 0");
		d->a = x[0];
		break;
	case DIST_UNIFORM:
		if (x[1] < x[0])
			return fail(err, errsize, "%s", "uniform(min, max) needs min <= max");
		d->a = x[0];
		d->b = x[1];
		break;
	case DIST_NORMAL:
		if (x[0] <= 0)
			return fail(err, errsize, "%s", "normal(mean, sd) needs a mean > 0");
		d->a = x[0];
		d->b = x[1];
		break;
	case DIST_LOGNORMAL: {
		if (x[0] <= 0)
			return fail(err, errsize, "%s", "lognormal(mean, sd) needs a mean > 0");
		double s2 = log1p((x[1] * x[1]) / (x[0] * x[0]));
		d->a = log(x[0]) - s2 / 2;
		d->b = sqrt(s2);
		d->c = x[0];
		break;
	}
	case DIST_GAMMA:
		if (x[0] <= 0 || x[1] <= 0)
			return fail(err, errsize, "%s", "gamma(mean, cv) needs a mean > 0 and a cv > 0");
		d->a = 1.0 / (x[1] * x[1]);
		d->b = x[0] * x[1] * x[1];
		break;
	case DIST_WEIBULL:
		if (x[0] <= 0 || x[1] <= 0)
			return fail(err, errsize, "%s", "weibull(scale, shape) needs scale > 0 and shape > 0");
		d->a = x[0];
		d->b = x[1];
		break;
	case DIST_PARETO:
		if (x[0] <= 0 || x[1] <= 1)
			return fail(err, errsize, "%s",
				    "pareto(min, alpha) needs min > 0 and alpha > 1 (else the mean is infinite)");
		d->a = x[0];
		d->b = x[1];
		break;
	case DIST_HYPEREXP:
		if (x[0] > 1 || x[1] <= 0 || x[2] <= 0)
			return fail(err, errsize, "%s", "hyperexp(p, mean1, mean2) needs 0 <= p <= 1 and means > 0");
		d->a = x[0];
		d->b = x[1];
		d->c = x[2];
		break;
	case DIST_EMPIRICAL: BUG("empirical handled above");
	}
	return 0;
}

void dist_set_values(struct dist *d, const double *values, size_t n)
{
	SIM_ASSERT(d->type == DIST_EMPIRICAL && n > 0);
	d->values = values;
	d->n_values = n;
}

double dist__sample_any(const struct dist *d, struct rng *rng)
{
	gsl_rng *r = rng->r;
	switch (d->type) {
	case DIST_CONST: return d->a;
	case DIST_EXP: return gsl_ran_exponential(r, d->a); /* GSL takes the mean */
	case DIST_UNIFORM: return d->a + (d->b - d->a) * gsl_rng_uniform(r);
	case DIST_NORMAL:
		for (int i = 0; i < 1000; i++) {
			double x = d->a + gsl_ran_gaussian(r, d->b);
			if (x >= 0)
				return x;
		}
		return 0; /* unreachable unless sd >> mean: P(x < 0)^1000 */
	case DIST_LOGNORMAL: return gsl_ran_lognormal(r, d->a, d->b);
	case DIST_GAMMA: return gsl_ran_gamma(r, d->a, d->b);
	case DIST_WEIBULL: return gsl_ran_weibull(r, d->a, d->b);
	case DIST_PARETO: return gsl_ran_pareto(r, d->b, d->a);
	case DIST_HYPEREXP: return gsl_ran_exponential(r, gsl_rng_uniform(r) < d->a ? d->b : d->c);
	case DIST_EMPIRICAL: return d->values[gsl_rng_uniform_int(r, d->n_values)];
	}
	BUG("bad distribution type");
}

/* The mean of a normal truncated at 0 (redrawing below 0). */
static double trunc_normal_mean(double mu, double sd)
{
	if (sd == 0)
		return mu;
	double a = -mu / sd;
	return mu + sd * gsl_ran_ugaussian_pdf(a) / gsl_cdf_ugaussian_Q(a);
}

static double trunc_normal_var(double mu, double sd)
{
	if (sd == 0)
		return 0;
	double a = -mu / sd;
	double l = gsl_ran_ugaussian_pdf(a) / gsl_cdf_ugaussian_Q(a);
	return sd * sd * (1 + a * l - l * l);
}

double dist_mean(const struct dist *d)
{
	switch (d->type) {
	case DIST_CONST:
	case DIST_EXP: return d->a;
	case DIST_UNIFORM: return (d->a + d->b) / 2;
	case DIST_NORMAL: return trunc_normal_mean(d->a, d->b);
	case DIST_LOGNORMAL: return d->c;
	case DIST_GAMMA: return d->a * d->b;
	case DIST_WEIBULL: return d->a * gsl_sf_gamma(1 + 1 / d->b);
	case DIST_PARETO: return d->b * d->a / (d->b - 1);
	case DIST_HYPEREXP: return d->a * d->b + (1 - d->a) * d->c;
	case DIST_EMPIRICAL: {
		double s = 0;
		for (size_t i = 0; i < d->n_values; i++)
			s += d->values[i];
		return d->n_values ? s / d->n_values : 0;
	}
	}
	BUG("bad distribution type");
}

static double dist_var(const struct dist *d)
{
	double m = dist_mean(d);
	switch (d->type) {
	case DIST_CONST: return 0;
	case DIST_EXP: return d->a * d->a;
	case DIST_UNIFORM: return (d->b - d->a) * (d->b - d->a) / 12;
	case DIST_NORMAL: return trunc_normal_var(d->a, d->b);
	case DIST_LOGNORMAL: return (exp(d->b * d->b) - 1) * m * m;
	case DIST_GAMMA: return d->a * d->b * d->b;
	case DIST_WEIBULL: return d->a * d->a * gsl_sf_gamma(1 + 2 / d->b) - m * m;
	case DIST_PARETO: return d->b <= 2 ? INFINITY : d->a * d->a * d->b / ((d->b - 1) * (d->b - 1) * (d->b - 2));
	case DIST_HYPEREXP: return 2 * (d->a * d->b * d->b + (1 - d->a) * d->c * d->c) - m * m;
	case DIST_EMPIRICAL: {
		double s = 0;
		for (size_t i = 0; i < d->n_values; i++)
			s += (d->values[i] - m) * (d->values[i] - m);
		return d->n_values ? s / d->n_values : 0;
	}
	}
	BUG("bad distribution type");
}

double dist_scv(const struct dist *d)
{
	double m = dist_mean(d);
	return m > 0 ? dist_var(d) / (m * m) : 0;
}

static void fmt_time(double s, char *buf, size_t n)
{
	/* Exact, round-trippable text in the unit that keeps it readable. */
	if (s != 0 && fabs(s) < 1e-3)
		snprintf(buf, n, "%.10gus", s * 1e6);
	else if (s != 0 && fabs(s) < 1)
		snprintf(buf, n, "%.10gms", s * 1e3);
	else
		snprintf(buf, n, "%.10gs", s);
}

void dist_format(const struct dist *d, char *buf, size_t size)
{
	char x[40], y[40];
	switch (d->type) {
	case DIST_CONST:
		fmt_time(d->a, x, sizeof x);
		snprintf(buf, size, "const(%s)", x);
		return;
	case DIST_EXP:
		fmt_time(d->a, x, sizeof x);
		snprintf(buf, size, "exp(%s)", x);
		return;
	case DIST_UNIFORM:
	case DIST_NORMAL:
		fmt_time(d->a, x, sizeof x);
		fmt_time(d->b, y, sizeof y);
		snprintf(buf, size, "%s(%s, %s)", d->type == DIST_UNIFORM ? "uniform" : "normal", x, y);
		return;
	case DIST_LOGNORMAL:
		fmt_time(d->c, x, sizeof x);
		fmt_time(sqrt(dist_var(d)), y, sizeof y);
		snprintf(buf, size, "lognormal(%s, %s)", x, y);
		return;
	case DIST_GAMMA:
		fmt_time(dist_mean(d), x, sizeof x);
		snprintf(buf, size, "gamma(%s, %.10g)", x, 1 / sqrt(d->a));
		return;
	case DIST_WEIBULL:
		fmt_time(d->a, x, sizeof x);
		snprintf(buf, size, "weibull(%s, %.10g)", x, d->b);
		return;
	case DIST_PARETO:
		fmt_time(d->a, x, sizeof x);
		snprintf(buf, size, "pareto(%s, %.10g)", x, d->b);
		return;
	case DIST_HYPEREXP:
		fmt_time(d->b, x, sizeof x);
		fmt_time(d->c, y, sizeof y);
		snprintf(buf, size, "hyperexp(%.10g, %s, %s)", d->a, x, y);
		return;
	case DIST_EMPIRICAL: snprintf(buf, size, "empirical(%s)", d->path); return;
	}
	BUG("bad distribution type");
}
