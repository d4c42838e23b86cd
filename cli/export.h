/*
 * export.h - a results directory (a run's or a sweep's) as one SQLite
 * database, for the questions operators ask of their load balancers'
 * logs in SQL.  The schema is docs/sql.md's.
 */
#ifndef CLI_EXPORT_H
#define CLI_EXPORT_H

/*
 * Writes every result of dir into a new database at path: built in a
 * temporary file beside it and renamed over path only when complete (a
 * path that is a directory, a FIFO or another special file is refused;
 * a symbolic link is replaced, not followed).  0, or an exit code (4)
 * after printing why.
 */
int export_sqlite(const char *dir, const char *path);

#endif
