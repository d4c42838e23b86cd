/* safefile.c - see safefile.h. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sim/engine/util.h"

static const char *type_of(mode_t m)
{
	return S_ISFIFO(m)   ? "a FIFO (named pipe)"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISDIR(m)  ? "a directory"
	       : S_ISSOCK(m) ? "a socket"
			     : "not a regular file";
}

/* Whether real (a resolved path) is root or lies below it. */
static int is_inside(const char *real, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return 1;
	return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

int safe_read(const char *path, const char *root, size_t max, char **buf, size_t *len, char *err, size_t errsize)
{
	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errsize, "%s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsize, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "it is %s, not a regular file; refusing to read it", type_of(st.st_mode));
		close(fd);
		return -1;
	}
	if (root) {
		/* The file opened must be the one its real path names, inside root
		 * (a link may point anywhere; a rename may race the check). */
		char *real = realpath(path, NULL);
		struct stat rs;
		int inside = real && is_inside(real, root) && stat(real, &rs) == 0 && rs.st_dev == st.st_dev &&
			     rs.st_ino == st.st_ino;
		free(real);
		if (!inside) {
			snprintf(err, errsize,
				 "it resolves (through a symbolic link) to a file outside the scenario's directory; "
				 "refusing to read it");
			close(fd);
			return -1;
		}
	}
	if ((unsigned long long)st.st_size > max) {
		snprintf(err, errsize, "it is larger than the limit of %zu MiB; refusing to read it", max >> 20);
		close(fd);
		return -1;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *b = xmalloc(cap + 1);
	for (;;) {
		ssize_t got = read(fd, b + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errsize, "%s", strerror(errno));
			free(b);
			close(fd);
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) { /* it grew while being read */
			snprintf(err, errsize, "it is larger than the limit of %zu MiB; refusing to read it",
				 max >> 20);
			free(b);
			close(fd);
			return -1;
		}
		if (n == cap) {
			cap *= 2;
			b = xrealloc(b, cap + 1);
		}
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

FILE *safe_open(const char *path, int *missing, char *err, size_t errsize)
{
	*missing = 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*missing = errno == ENOENT;
		snprintf(err, errsize, "%s", strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsize, "%s", strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "it is %s, not a regular file", type_of(st.st_mode));
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK); /* a regular file never blocks: read it plainly */
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		snprintf(err, errsize, "%s", strerror(errno));
		close(fd);
	}
	return f;
}

json_t *safe_read_json(const char *path, int *missing, char *err, size_t errsize)
{
	char *text = NULL;
	size_t len = 0;
	*missing = access(path, F_OK) != 0 && errno == ENOENT;
	if (*missing) {
		snprintf(err, errsize, "%s", strerror(ENOENT));
		return NULL;
	}
	if (safe_read(path, NULL, 1u << 30, &text, &len, err, errsize) != 0)
		return NULL;
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	free(text);
	if (!root || !json_is_object(root)) {
		snprintf(err, errsize, "line %d: %s", je.line, root ? "not a JSON object" : je.text);
		json_decref(root);
		return NULL;
	}
	return root;
}
