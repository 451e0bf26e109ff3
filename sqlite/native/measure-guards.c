/*
** Times the worst case of every guarded built-in at its bound, and a few unguarded calls for
** comparison, on walkindb's SQLite library. Run it with sqlite/native/measure-guards.sh;
** docs/SECURITY.md ("Function guards") records the figures.
**
** "At bound" cases search for the largest size n that the guard still lets through (the
** template's %d), then time the call at that n. Each line: the best of REPEAT runs in
** milliseconds, n, the answer (or error), what was run.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "sqlite3.h"

#define REPEAT 3

static sqlite3 *db;

static double nowMs(void){
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec*1e3 + t.tv_nsec/1e6;
}

/* Runs every statement of zSql; returns the elapsed ms and the last value or error in zOut. */
static double runOnce(const char *zSql, char *zOut, int nOut){
  const char *zTail = zSql;
  double t0 = nowMs();
  zOut[0] = 0;
  while( zTail && *zTail ){
    sqlite3_stmt *pStmt = 0;
    int rc = sqlite3_prepare_v2(db, zTail, -1, &pStmt, &zTail);
    if( rc!=SQLITE_OK ){ snprintf(zOut, nOut, "error: %s", sqlite3_errmsg(db)); break; }
    if( pStmt==0 ) break;
    while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
      const char *z = (const char*)sqlite3_column_text(pStmt, 0);
      if( z==0 ) snprintf(zOut, nOut, "NULL");
      else if( strlen(z)<=24 ) snprintf(zOut, nOut, "%s", z);
      else snprintf(zOut, nOut, "(%d bytes)", (int)strlen(z));
    }
    if( rc!=SQLITE_DONE ) snprintf(zOut, nOut, "error: %s", sqlite3_errmsg(db));
    sqlite3_finalize(pStmt);
  }
  return nowMs() - t0;
}

static void report(const char *zWhat, const char *zSetup, const char *zSql, int n){
  char zOut[200];
  double best = 1e18;
  int i;
  if( zSetup ) runOnce(zSetup, zOut, sizeof(zOut));
  for(i=0; i<REPEAT; i++){
    double t = runOnce(zSql, zOut, sizeof(zOut));
    if( t<best ) best = t;
  }
  if( n>=0 ) printf("%9.1f ms  n=%-8d %-36s  %s\n", best, n, zOut, zWhat);
  else printf("%9.1f ms  %-47s  %s\n", best, zOut, zWhat);
  fflush(stdout);
}

static void timeIt(const char *zWhat, const char *zSql){
  report(zWhat, 0, zSql, -1);
}

/* Whether the statement (after its setup) is refused by a guard. */
static int refused(const char *zSetup, const char *zSql){
  char zOut[200];
  if( zSetup ) runOnce(zSetup, zOut, sizeof(zOut));
  runOnce(zSql, zOut, sizeof(zOut));
  return strstr(zOut, "arguments too large")!=0;
}

/*
** The largest n in [lo, hi] that the guard lets through, with setup and statement templates
** whose every %d is n; then the timing at that n.
*/
static void atBound(const char *zWhat, const char *zSetupT, const char *zSqlT, int lo, int hi){
  char *zSetup, *zSql;
  while( lo<hi ){
    int mid = lo + (hi-lo+1)/2;
    zSetup = zSetupT ? sqlite3_mprintf(zSetupT, mid, mid, mid, mid) : 0;
    zSql = sqlite3_mprintf(zSqlT, mid, mid, mid, mid);
    if( refused(zSetup, zSql) ) hi = mid-1; else lo = mid;
    sqlite3_free(zSetup);
    sqlite3_free(zSql);
  }
  zSetup = zSetupT ? sqlite3_mprintf(zSetupT, lo, lo, lo, lo) : 0;
  zSql = sqlite3_mprintf(zSqlT, lo, lo, lo, lo);
  report(zWhat, zSetup, zSql, lo);
  sqlite3_free(zSetup);
  sqlite3_free(zSql);
}

/* SQL for n copies of a character: replace(hex(zeroblob(n/2)), '0', c). */
#define RUN(n, c) "replace(hex(zeroblob(" #n ")),'0','" c "')"
#define MB_A RUN(499999, "a")
#define OBJECT(from, to, v) "(WITH RECURSIVE c(i) AS (SELECT " from " UNION ALL SELECT i+1 FROM c WHERE i<" to ") " \
  "SELECT '{'||group_concat('\"k'||i||'\":" v "',',')||'}' FROM c)"
#define FTS_ROW(n) "DROP TABLE IF EXISTS t; CREATE VIRTUAL TABLE t USING fts5(x); INSERT INTO t VALUES " \
  "((WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<" n ") SELECT group_concat('a',' ') FROM c))"
/* n tokens "a" joined by a separator, as SQL text */
#define TOKENS(n, sep) "rtrim(replace(hex(zeroblob(" n ")),'00','a" sep "'),'" sep "')"

int main(void){
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ){
    printf("cannot open: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1000000);
  sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 100);
  printf("SQLite %s, best of %d\n", sqlite3_libversion(), REPEAT);

  printf("-- trim: set of 2n-1 characters that never match, then 'a'\n");
  atBound("ltrim 1 MB of 'a'", 0, "SELECT length(ltrim(" MB_A ", replace(hex(zeroblob(%d)),'0','b')||'a'))", 1, 50000);
  atBound("ltrim 10 KB of 'a'", 0, "SELECT length(ltrim(" RUN(5000, "a") ", replace(hex(zeroblob(%d)),'0','b')||'a'))", 1, 50000);
  atBound("rtrim 1 KB of 'a'", 0, "SELECT length(rtrim(" RUN(500, "a") ", replace(hex(zeroblob(%d)),'0','b')||'a'))", 1, 50000);
  timeIt("ltrim 200 KB, set of 83 001 (the reported bomb)",
         "SELECT length(ltrim(" RUN(100000, "a") ", " RUN(41500, "b") "||'a'))");

  printf("-- instr, replace: 1 MB of 'a', needle of 2n 'a' then 'b'\n");
  atBound("instr", 0, "SELECT instr(" MB_A ", replace(hex(zeroblob(%d)),'0','a')||'b')", 1, 50000);
  atBound("replace", 0, "SELECT length(replace(" MB_A ", replace(hex(zeroblob(%d)),'0','a')||'b', 'x'))", 1, 50000);
  timeIt("replace 1 MB, pattern 'ab'", "SELECT length(replace(" MB_A ", 'ab', 'x'))");
  timeIt("replace 500 KB, every byte", "SELECT length(replace(" RUN(249999, "a") ", 'a', 'bb'))");

  printf("-- unhex: X of separators, set of 2n-1 characters that never match, then '-'\n");
  atBound("unhex 1 MB of '-'", 0, "SELECT length(unhex(" RUN(499999, "-") ", replace(hex(zeroblob(%d)),'0','+')||'-'))", 1, 50000);
  atBound("unhex 10 KB of '-'", 0, "SELECT length(unhex(" RUN(5000, "-") ", replace(hex(zeroblob(%d)),'0','+')||'-'))", 1, 50000);

  printf("-- json_patch: n labels\n");
  atBound("json_patch {} + n new labels", 0, "SELECT length(json_patch('{}', " OBJECT("1", "%d", "1") "))", 1, 100000);
  atBound("json_patch n labels + n new labels", 0,
          "SELECT length(json_patch(" OBJECT("1", "%d", "1") ", " OBJECT("1000001", "1000000+%d", "1") "))", 1, 100000);
  atBound("json_patch n labels, the same n found last first", 0,
          "SELECT length(json_patch(" OBJECT("1", "%d", "1") ", (SELECT '{'||group_concat('\"k'||value||'\":2',',')||'}' "
          "FROM (WITH RECURSIVE c(value) AS (SELECT %d UNION ALL SELECT value-1 FROM c WHERE value>1) SELECT value FROM c))))",
          1, 100000);
  atBound("json_patch 1 MB target, n inserts at its start", 0,
          "SELECT length(json_patch(json_object('x',json('{}'),'big'," RUN(490000, "z") "), "
          "json_object('x',json(" OBJECT("1", "%d", "1") "))))", 1, 100000);
  timeIt("json_patch 80 000 labels, patch of 2", "SELECT length(json_patch(" OBJECT("1", "80000", "1") ", '{\"k5\":0,\"new\":1}'))");
  timeIt("json_patch {} + 20 000 labels (refused)", "SELECT length(json_patch('{}', " OBJECT("1", "20000", "1") "))");

  printf("-- FTS5 auxiliary functions: one row of n tokens 'a', MATCH 'a'\n");
  atBound("snippet", FTS_ROW("%d"), "SELECT snippet(t,0,'[',']','...',64) FROM t WHERE t MATCH 'a'", 1, 100000);
  atBound("highlight", FTS_ROW("%d"), "SELECT length(highlight(t,0,'[',']')) FROM t WHERE t MATCH 'a'", 1, 100000);
  atBound("bm25, 64 phrases", FTS_ROW("%d"), "SELECT bm25(t) FROM t WHERE t MATCH " TOKENS("64", " OR "), 1, 100000);
  report("bm25, 1 phrase, 40 000 matches", FTS_ROW("40000"), "SELECT bm25(t) FROM t WHERE t MATCH 'a'", -1);
  timeIt("snippet, 40 000 matches (refused)", "SELECT snippet(t,0,'[',']','...',64) FROM t WHERE t MATCH 'a'");
  timeIt("highlight, 40 000 matches (refused)", "SELECT length(highlight(t,0,'[',']')) FROM t WHERE t MATCH 'a'");

  printf("-- FTS5 queries on the largest row (450 000 tokens 'a' in 1 MB); n = weight at the bound\n");
  report("MATCH 'a'", FTS_ROW("450000"), "SELECT count(*) FROM t WHERE t MATCH 'a'", -1);
  atBound("MATCH a OR a OR ...", 0, "SELECT count(*) FROM t WHERE t MATCH " TOKENS("%d", " OR "), 1, 1000);
  atBound("MATCH a AND a AND ...", 0, "SELECT count(*) FROM t WHERE t MATCH " TOKENS("%d", " AND "), 1, 1000);
  atBound("MATCH one phrase", 0, "SELECT count(*) FROM t WHERE t MATCH '\"'||" TOKENS("%d", " ") "||'\"'", 1, 1000);
  timeIt("MATCH 2 phrases of 5 tokens",
         "SELECT count(*) FROM t WHERE t MATCH '\"'||" TOKENS("5", " ") "||'\" AND \"'||" TOKENS("5", " ") "||'\"'");
  atBound("MATCH NEAR(a a ..., 450000)", 0,
          "SELECT count(*) FROM t WHERE t MATCH 'NEAR('||" TOKENS("%d", " ") "||', 450000)'", 1, 1000);
  timeIt("MATCH NEAR of 2 phrases of 2 tokens",
         "SELECT count(*) FROM t WHERE t MATCH 'NEAR(\"a a\" \"a a\", 450000)'");
  timeIt("MATCH 2 x NEAR(a a)", "SELECT count(*) FROM t WHERE t MATCH 'NEAR(a a, 450000) AND NEAR(a a, 450000)'");
  timeIt("MATCH 5 x \"a a\"", "SELECT count(*) FROM t WHERE t MATCH '\"a a\"'||replace(hex(zeroblob(4)),'00',' AND \"a a\"')");
  timeIt("MATCH a* OR a*", "SELECT count(*) FROM t WHERE t MATCH 'a* OR a*'");
  report("MATCH b* OR b* over 100 000 distinct terms b1, b2, ...",
         "DROP TABLE t; CREATE VIRTUAL TABLE t USING fts5(x); INSERT INTO t VALUES ((WITH RECURSIVE c(i) AS "
         "(SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<100000) SELECT group_concat('b'||i,' ') FROM c))",
         "SELECT count(*) FROM t WHERE t MATCH 'b* OR b*'", -1);
  timeIt("MATCH 100 000 x OR (refused)", "SELECT count(*) FROM t WHERE t MATCH " TOKENS("100000", " OR "));

  printf("-- LIKE and GLOB: 1 MB of 'a', pattern '%%' or '*', 2n 'a', 'b' (100-byte pattern cap)\n");
  atBound("LIKE", 0, "SELECT " MB_A " LIKE '%%'||replace(hex(zeroblob(%d)),'0','a')||'b'", 1, 49);
  atBound("GLOB", 0, "SELECT " MB_A " GLOB '*'||replace(hex(zeroblob(%d)),'0','a')||'b'", 1, 49);
  timeIt("GLOB '*[^...62]b' (refused)",
         "SELECT " MB_A " GLOB '*[^bcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ]b'");
  timeIt("LIKE '%needle in a haystack%' on 1 MB of 'a'", "SELECT " MB_A " LIKE '%needle in a haystack%'");

  printf("-- unguarded, linear\n");
  timeIt("building 1 MB of 'a' (part of most lines above)", "SELECT length(" MB_A ")");
  timeIt("upper 1 MB", "SELECT length(upper(" MB_A "))");
  timeIt("json_valid 1 MB", "SELECT json_valid('['||" RUN(499990, "1") "||']')");
  timeIt("json_pretty 999 levels, 100 KB indent (64 MiB allocation cap)",
         "SELECT length(json_pretty((WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<999) "
         "SELECT group_concat('[','')||group_concat(']','') FROM c), printf('%.*c', 100000, ' ')))");
  sqlite3_close(db);
  return 0;
}
