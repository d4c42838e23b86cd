/*
 * units.h - numbers with units, as written in scenario files.
 *
 * Every parser takes the whole string (leading/trailing blanks allowed),
 * stores the value in SI base units and returns 0, or returns -1 and points
 * *err at a static message saying what was expected.  NaN, infinities and
 * values without a unit are refused.
 *
 *   duration   ns us ms s m h d           -> seconds
 *   rate       N/s N/m N/h                 -> per second
 *   size       B KB MB GB (10^3), KiB MiB GiB (2^10) -> bytes
 *   bandwidth  bps Kbps Mbps Gbps          -> bits per second
 *   money      $X/h $X/month $X/year      -> dollars per hour (month = 730 h)
 *   fraction   0.25 or 25%                 -> 0.25
 *   factor     10x or 10                   -> 10
 *   count      a whole number, or "unlimited" where allowed (-> LONG_MAX)
 */
#ifndef SIM_UNITS_H
#define SIM_UNITS_H

int units_duration(const char *s, double *out, const char **err);
int units_rate(const char *s, double *out, const char **err);
int units_size(const char *s, double *out, const char **err);
int units_bandwidth(const char *s, double *out, const char **err);
int units_money(const char *s, double *out, const char **err);
/* "$0.09/GB": dollars per 10^9 bytes (also /TB, /MB). */
int units_price_gb(const char *s, double *out, const char **err);
int units_fraction(const char *s, double *out, const char **err);
int units_number(const char *s, double *out, const char **err);
int units_factor(const char *s, double *out, const char **err);
int units_count(const char *s, int allow_unlimited, long *out, const char **err);

/* Formats seconds with the largest unit that keeps the number >= 1. */
void units_format_duration(double seconds, char *buf, int size);

#endif
