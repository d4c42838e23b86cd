/* param.c - see param.h. */
#include "param.h"

#include <stdio.h>
#include <string.h>

size_t param_count(const struct param *p)
{
	size_t n = 0;
	while (p && p[n].key)
		n++;
	return n;
}

const struct param *param_find(const struct param *p, const char *key)
{
	for (; p && p->key; p++)
		if (strcmp(p->key, key) == 0)
			return p;
	return NULL;
}

int param_is_present(const struct param *p, unsigned long present, const char *key)
{
	for (size_t i = 0; p && p[i].key; i++)
		if (strcmp(p[i].key, key) == 0)
			return (int)((present >> i) & 1);
	return 0;
}

int param_choice(const char *choices, const char *word)
{
	size_t n = strlen(word);
	int i = 0;
	for (const char *c = choices; *c; i++) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);
		if (len == n && strncmp(c, word, n) == 0)
			return i;
		if (!bar)
			break;
		c = bar + 1;
	}
	return -1;
}

void param_choice_name(const char *choices, int i, char *buf, size_t size)
{
	const char *c = choices;
	for (; i > 0 && c; i--) {
		c = strchr(c, '|');
		if (c)
			c++;
	}
	if (!c) {
		snprintf(buf, size, "?");
		return;
	}
	const char *bar = strchr(c, '|');
	int len = bar ? (int)(bar - c) : (int)strlen(c);
	snprintf(buf, size, "%.*s", len, c);
}
