/*
 * store/pg.h: opening a memory on a PostgreSQL server (store/pg.c).
 * Nothing here is API; tm_db_open() calls it for a PostgreSQL URL.
 */
#ifndef TM_STORE_PG_H
#define TM_STORE_PG_H

typedef struct tm_db tm_db;

/*
 * Connect db to the server that `conninfo` names (postgresql://...,
 * postgres://... or libpq's key=value string, as PQconnectdb takes
 * them), with client_encoding UTF8, and create or migrate the schema
 * there (TM_DB_READONLY: never; a database without a current schema is
 * then an error).  Sets db->store and db->pg.  Returns 0, TM_EDB (the
 * message names the conninfo without its password, and the server's
 * reason) or TM_ENOMEM; on failure nothing is left open.
 */
int tm__pg_open(tm_db *db, const char *conninfo, unsigned flags);

/* Close what tm__pg_open() opened; again or without it, nothing. */
void tm__pg_close(tm_db *db);

/*
 * The SQLSTATE of the last failure on db ("23505": unique violation,
 * "40001" and "40P01": try the transaction again), or "" if none.
 */
const char *tm__pg_sqlstate(tm_db *db);

/* The schema version this tm makes on PostgreSQL. */
int tm__pg_schema_version(void);

#endif
