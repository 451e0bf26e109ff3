/*
** walkindb's SQLite library: the amalgamation plus guards in front of the built-in
** functions whose work grows faster than their arguments.
**
** SQLite checks its progress handler (the 2 s deadline) between virtual-machine steps, never
** inside one function call, so a single ltrim(), instr(), json_patch() or snippet() call
** could run for minutes. Each guard estimates the work of the call from its arguments (a
** linear pass at most) and refuses it, with "<function> arguments too large", above a bound
** measured so that one call at the bound stays far below 100 ms (docs/SECURITY.md,
** "Function guards"; sqlite/native/measure-guards.sh). A call that is large but allowed asks
** the progress handler first, so many such calls in one statement still stop at the deadline.
**
** The guards reach into the amalgamation's internals (static functions, FuncDef, Module,
** Fts5 structures): this file compiles only against the pinned SQLite of build.sh.
*/
#include "sqlite3.c"

/* Bounds on the work estimates below; the unit of each is named beside it. */
#define GUARD_TRIM_WORK      6000000     /* bytes of the set x candidate characters */
#define GUARD_SEARCH_WORK    1200000000  /* bytes compared, instr() and replace() */
#define GUARD_UNHEX_WORK     24000000    /* bytes of the set x skipped characters */
#define GUARD_PATCH_WORK     5000000     /* label comparisons (a moved 128 bytes counts as one) */
#define GUARD_FTS_STEPS      4000000     /* phrase-instance steps */
#define GUARD_FTS_COPY       4000000000  /* bytes copied while building the result */
#define GUARD_LIKE_WORK      10000000    /* bytes of X per star + segment bytes per candidate */

/*
** Bounds on one full-text query (all MATCH constraints of one scan together): its text, and
** its weight, which follows what each token costs at worst (a row of one token 450 000 times,
** or 100 000 distinct terms under one prefix): 1 for a phrase of one token, 6 for each token
** of a longer phrase, 16 for each token inside a NEAR group, 32 for a prefix token ("ab*").
*/
#define GUARD_MATCH_TEXT     4096        /* bytes; parsing is quadratic in the terms of an OR */
#define GUARD_MATCH_WEIGHT   64

/* A call whose estimate passes this share of its bound checks the deadline first. */
#define GUARD_POLL_SHARE     64

static const char *guardTooLarge(const char *zName, char *zBuf, int nBuf){
  sqlite3_snprintf(nBuf, zBuf, "%s arguments too large", zName);
  return zBuf;
}

/* True once the connection's progress handler (walkindb's deadline check) says stop. */
static int guardDeadlinePassed(sqlite3_context *ctx){
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  return db->xProgress!=0 && db->xProgress(db->pProgressArg)!=0;
}

/*
** Decides whether a call of estimated work nWork may run. Sets the call's error and returns
** 0 when the bound is passed or, for a large call, when the deadline has passed.
*/
static int guardAdmit(
  sqlite3_context *ctx, const char *zName, sqlite3_int64 nWork, sqlite3_int64 nLimit
){
  if( nWork>nLimit ){
    char zMsg[80];
    sqlite3_result_error(ctx, guardTooLarge(zName, zMsg, sizeof(zMsg)), -1);
    return 0;
  }
  if( nWork>nLimit/GUARD_POLL_SHARE && guardDeadlinePassed(ctx) ){
    sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
    return 0;
  }
  return 1;
}

/* a*b for non-negative a and b, held at 2^60 (far above any bound, and room to add to it). */
static sqlite3_int64 guardMul(sqlite3_int64 a, sqlite3_int64 b){
  const sqlite3_int64 huge = ((sqlite3_int64)1)<<60;
  return (a>0 && b>huge/a) ? huge : a*b;
}

/* The bytes of a value as the built-ins see them; a BLOB is read without converting it. */
static const u8 *guardBytes(sqlite3_value *v, int *pn){
  const u8 *z = sqlite3_value_type(v)==SQLITE_BLOB
      ? (const u8*)sqlite3_value_blob(v) : sqlite3_value_text(v);
  *pn = z ? sqlite3_value_bytes(v) : 0;
  return z;
}

/*
** trim(X,Y), ltrim(X,Y), rtrim(X,Y): each character removed costs a scan of the whole set Y.
** Only bytes that occur in Y can be removed, so the run of such bytes at the trimmed end(s)
** of X bounds the number of scans.
*/
static void guardTrim(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  if( argc==2 ){
    int nIn, nSet, i, j, flags = SQLITE_PTR_TO_INT(sqlite3_user_data(ctx));
    const u8 *zIn = guardBytes(argv[0], &nIn);
    const u8 *zSet = guardBytes(argv[1], &nSet);
    if( zIn && zSet ){
      u8 inSet[256];
      sqlite3_int64 nScan = 2;
      memset(inSet, 0, sizeof(inSet));
      for(i=0; i<nSet; i++) inSet[zSet[i]] = 1;
      i = 0;
      if( flags & 1 ){
        while( i<nIn && inSet[zIn[i]] ) i++;
      }
      j = nIn;
      if( flags & 2 ){
        while( j>i && inSet[zIn[j-1]] ) j--;   /* rtrim sees what ltrim left */
      }
      nScan += i + (nIn-j);
      if( !guardAdmit(ctx, ctx->pFunc->zName, nScan*nSet, GUARD_TRIM_WORK) ) return;
    }
  }
  trimFunc(ctx, argc, argv);
}

/*
** instr(X,Y) and replace(X,Y,Z) compare Y at every position of X that starts with Y's first
** byte: the work is |X| plus, for each such position, |Y| and a call's overhead.
*/
static sqlite3_int64 guardSearchWork(sqlite3_value *pHay, sqlite3_value *pNeedle){
  int nHay, nNeedle;
  const u8 *zHay = guardBytes(pHay, &nHay);
  const u8 *zNeedle = guardBytes(pNeedle, &nNeedle);
  const u8 *z, *zEnd;
  sqlite3_int64 nStart = 0;
  if( zHay==0 || zNeedle==0 || nNeedle==0 || nNeedle>nHay ) return 0;
  zEnd = zHay + nHay - nNeedle + 1;
  for(z=zHay; (z = memchr(z, zNeedle[0], zEnd-z))!=0; z++){
    nStart++;
  }
  return nHay + nStart*(nNeedle + 64);
}

static void guardInstr(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  if( !guardAdmit(ctx, "instr", guardSearchWork(argv[0], argv[1]), GUARD_SEARCH_WORK) ) return;
  instrFunc(ctx, argc, argv);
}

static void guardReplace(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  if( !guardAdmit(ctx, "replace", guardSearchWork(argv[0], argv[1]), GUARD_SEARCH_WORK) ) return;
  replaceFunc(ctx, argc, argv);
}

/* unhex(X,Y): every character of X that is not a hex digit is looked up in all of Y. */
static void guardUnhex(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  if( argc==2 ){
    int nHex, nPass, i;
    const u8 *zHex = guardBytes(argv[0], &nHex);
    const u8 *zPass = guardBytes(argv[1], &nPass);
    if( zHex && zPass ){
      sqlite3_int64 nOther = 1;
      for(i=0; i<nHex; i++){
        if( !sqlite3Isxdigit(zHex[i]) ) nOther++;
      }
      if( !guardAdmit(ctx, "unhex", nHex + nOther*nPass, GUARD_UNHEX_WORK) ) return;
    }
  }
  unhexFunc(ctx, argc, argv);
}

/* Text nodes of a JSONB blob: an upper bound on the object labels in it. */
static sqlite3_int64 guardJsonLabels(const JsonParse *p){
  sqlite3_int64 n = 0;
  u32 i = 0;
  while( i<p->nBlob ){
    u32 sz = 0;
    u32 h = jsonbPayloadSize(p, i, &sz);
    u8 t = p->aBlob[i] & 0x0f;
    if( h==0 ) break;
    if( t>=JSONB_TEXT && t<=JSONB_TEXTRAW ) n++;
    i += h + (t>=JSONB_ARRAY ? 0 : sz);  /* step into arrays and objects, over the rest */
  }
  return n;
}

/*
** json_patch(T,P), jsonb_patch(T,P): every label of P is looked up by a linear scan of its
** object in T, which grows by the labels P adds, and every edit moves the rest of T. The
** parses are cached for the call itself, so guarding costs no second parse of text JSON.
*/
static void guardJsonPatch(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  JsonParse *pTarget = jsonParseFuncArg(ctx, argv[0], 0);
  JsonParse *pPatch = pTarget ? jsonParseFuncArg(ctx, argv[1], 0) : 0;
  int ok = 1;
  if( pTarget && pPatch ){
    sqlite3_int64 nT = guardJsonLabels(pTarget), nP = guardJsonLabels(pPatch);
    sqlite3_int64 nWork = guardMul(nP, nT + nP + ((sqlite3_int64)pTarget->nBlob + pPatch->nBlob)/128);
    ok = guardAdmit(ctx, ctx->pFunc->zName, nWork, GUARD_PATCH_WORK);
  }
  jsonParseFree(pPatch);
  jsonParseFree(pTarget);
  if( ok ) jsonPatchFunc(ctx, argc, argv);
}

/*
** LIKE and GLOB. After the first wildcard star, patternCompare() tries the literal segment that
** follows it at every position of X where the segment's first character occurs, and the first
** later star that is reached ends the whole match (found, or never to be found). So the work is
** |X| per star plus, per candidate position, the segment. The 100-byte pattern cap alone still
** allowed a third of a second per call.
*/
static void guardLike(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  const struct compareInfo *pInfo = (const struct compareInfo*)sqlite3_user_data(ctx);
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  if( sqlite3_value_type(argv[0])!=SQLITE_BLOB && sqlite3_value_type(argv[1])!=SQLITE_BLOB
   && sqlite3_value_bytes(argv[0])<=db->aLimit[SQLITE_LIMIT_LIKE_PATTERN_LENGTH]
  ){
    const u8 *zPat = sqlite3_value_text(argv[0]);
    const u8 *zStr = sqlite3_value_text(argv[1]);
    int nPat = sqlite3_value_bytes(argv[0]), nStr = sqlite3_value_bytes(argv[1]);
    if( zPat && zStr ){
      sqlite3_int64 nStar = 0, nCand = 0, nSeg = 0;
      int i, iSeg = -1;
      for(i=0; i<nPat; i++){
        if( zPat[i]==pInfo->matchAll ){
          nStar++;
          if( iSeg<0 ) iSeg = i;
        }
      }
      if( iSeg>=0 ){
        while( iSeg<nPat && (zPat[iSeg]==pInfo->matchAll || zPat[iSeg]==pInfo->matchOne) ) iSeg++;
        for(i=iSeg; i<nPat && zPat[i]!=pInfo->matchAll; i++) nSeg++;
        const u8 *zEsc = argc==3 ? sqlite3_value_text(argv[2]) : 0;
        if( zEsc ) nSeg = nPat - iSeg;          /* an escaped star does not end the segment */
        if( iSeg>=nPat ){
          nCand = 0;                            /* a trailing star matches at once */
        }else if( zPat[iSeg]==pInfo->matchSet || (zEsc && zPat[iSeg]==zEsc[0]) ){
          nCand = nStr;                         /* a set or an escape: any position may do */
        }else{
          u8 c = zPat[iSeg];
          u8 cx = pInfo->noCase && sqlite3Isalpha(c) ? (u8)(c ^ 0x20) : c;  /* LIKE folds ASCII only */
          for(i=0; i<nStr; i++) nCand += (zStr[i]==c || zStr[i]==cx);
        }
      }
      if( !guardAdmit(ctx, ctx->pFunc->zName, nStr*(1 + nStar) + nCand*(nSeg + 1), GUARD_LIKE_WORK) ){
        return;
      }
    }
  }
  likeFunc(ctx, argc, argv);
}

/* ---------------------------------------------------------------------------------------
** FTS5 auxiliary functions. The instance list of a row costs instances x phrases to build
** (bm25, snippet, highlight); snippet() scores every instance against every other one and
** every sentence start; highlight() copies its whole result so far for every piece it adds.
*/
typedef struct GuardFtsRow {
  int nPhrase;
  sqlite3_int64 nInst;     /* upper bound: one byte of position list per instance at least */
  int nToken;              /* tokens in the row */
  sqlite3_int64 nText;     /* bytes of the row's text columns (when asked for) */
} GuardFtsRow;

static int guardFtsRow(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, int bText, GuardFtsRow *p
){
  int i, iCol, iOff, rc;
  memset(p, 0, sizeof(*p));
  p->nPhrase = pApi->xPhraseCount(pFts);
  for(i=0; i<p->nPhrase; i++){
    Fts5PhraseIter it;
    rc = pApi->xPhraseFirst(pFts, i, &it, &iCol, &iOff);
    if( rc!=SQLITE_OK ) return rc;
    p->nInst += 1 + (it.a && it.b ? it.b - it.a : 0);
  }
  rc = pApi->xColumnSize(pFts, -1, &p->nToken);
  for(i=0; bText && rc==SQLITE_OK && i<pApi->xColumnCount(pFts); i++){
    const char *z;
    int n = 0;
    rc = pApi->xColumnText(pFts, i, &z, &n);
    p->nText += n;
  }
  return rc;
}

static int guardFtsAdmit(
  sqlite3_context *ctx, const char *zName, sqlite3_int64 nSteps, sqlite3_int64 nCopy
){
  return guardAdmit(ctx, zName, nSteps, GUARD_FTS_STEPS)
      && guardAdmit(ctx, zName, nCopy, GUARD_FTS_COPY);
}

static void guardBm25(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *ctx,
  int nVal, sqlite3_value **apVal
){
  GuardFtsRow r;
  if( guardFtsRow(pApi, pFts, 0, &r)==SQLITE_OK
   && !guardFtsAdmit(ctx, "bm25", guardMul(r.nInst, r.nPhrase + 1), 0) ) return;
  fts5Bm25Function(pApi, pFts, ctx, nVal, apVal);
}

static void guardSnippet(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *ctx,
  int nVal, sqlite3_value **apVal
){
  GuardFtsRow r;
  if( nVal==5 && guardFtsRow(pApi, pFts, 1, &r)==SQLITE_OK ){
    sqlite3_int64 nMark = sqlite3_value_bytes(apVal[1]) + sqlite3_value_bytes(apVal[2]);
    sqlite3_int64 nPieces = 3*(r.nInst<64 ? r.nInst : 64) + 3;
    sqlite3_int64 nSteps = guardMul(r.nInst, r.nInst + r.nPhrase + r.nToken + 1);
    sqlite3_int64 nCopy = guardMul(nPieces, r.nText + 65*nMark + sqlite3_value_bytes(apVal[3]));
    if( !guardFtsAdmit(ctx, "snippet", nSteps, nCopy) ) return;
  }
  fts5SnippetFunction(pApi, pFts, ctx, nVal, apVal);
}

static void guardHighlight(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *ctx,
  int nVal, sqlite3_value **apVal
){
  GuardFtsRow r;
  if( nVal==3 && guardFtsRow(pApi, pFts, 1, &r)==SQLITE_OK ){
    sqlite3_int64 nMark = sqlite3_value_bytes(apVal[1]) + sqlite3_value_bytes(apVal[2]);
    sqlite3_int64 nCopy = guardMul(3*r.nInst + 3, r.nText + guardMul(r.nInst + 1, nMark));
    if( !guardFtsAdmit(ctx, "highlight", guardMul(r.nInst, r.nPhrase + 1), nCopy) ) return;
  }
  fts5HighlightFunction(pApi, pFts, ctx, nVal, apVal);
}

/* ---------------------------------------------------------------------------------------
** FTS5 queries. One MATCH is evaluated inside single virtual-table calls (xFilter, xNext)
** whose work grows with the tokens of the query times the positions of a row: a 100 000-term
** OR ran 77 s in one xFilter, NEAR of 16 phrases 1.3 s on one row. The query is parsed
** (cheap once its text is bounded) and weighed before FTS5 runs it.
*/
typedef struct GuardQuery {
  sqlite3_int64 nText;
  sqlite3_int64 nWeight;
} GuardQuery;

static void guardQueryNode(const Fts5ExprNode *pNode, GuardQuery *q){
  int i;
  if( pNode==0 ) return;
  if( pNode->pNear ){
    for(i=0; i<pNode->pNear->nPhrase; i++){
      const Fts5ExprPhrase *pPhrase = pNode->pNear->apPhrase[i];
      int j, w = pNode->pNear->nPhrase>1 ? 16 : pPhrase->nTerm>1 ? 6 : 1;
      for(j=0; j<pPhrase->nTerm; j++) q->nWeight += pPhrase->aTerm[j].bPrefix ? 32 : w;
    }
  }
  for(i=0; i<pNode->nChild; i++) guardQueryNode(pNode->apChild[i], q);
}

static int guardFts5Filter(
  sqlite3_vtab_cursor *pCursor, int idxNum, const char *idxStr,
  int nVal, sqlite3_value **apVal
){
  Fts5Config *pConfig = ((Fts5FullTable*)pCursor->pVtab)->p.pConfig;
  GuardQuery q;
  int i, rc, iIdx = 0;
  memset(&q, 0, sizeof(q));
  for(i=0; idxStr && i<nVal; i++){
    char c = idxStr[iIdx++];
    int iCol = 0;
    if( c!='M' && c!='L' && c!='G' ) continue;
    while( idxStr[iIdx]>='0' && idxStr[iIdx]<='9' ) iCol = iCol*10 + (idxStr[iIdx++]-'0');
    {
      /* The text as FTS5 itself reads it, whatever the value's type (a BLOB too). */
      char *zText = 0;
      int bFree = 0;
      Fts5Expr *pExpr = 0;
      char *zErr = 0;
      if( c=='M' ){
        rc = fts5ExtractExprText(pConfig, apVal[i], &zText, &bFree);
      }else{
        zText = (char*)sqlite3_value_text(apVal[i]);
        rc = SQLITE_OK;
      }
      /* MATCH '*...' asks FTS5 for an internal value (cheap); a GLOB pattern may start so. */
      if( rc==SQLITE_OK && zText && (c!='M' || zText[0]!='*') ){
        q.nText += strlen(zText);
        if( q.nText<=GUARD_MATCH_TEXT ){
          /* As in fts5FilterMethod: parse errors go to pConfig->pzErrmsg (ExprPattern uses
          ** it); here they are dropped, FTS5 reports them itself when it parses again. */
          char **pzSaved = pConfig->pzErrmsg;
          pConfig->pzErrmsg = &zErr;
          rc = c=='M' ? sqlite3Fts5ExprNew(pConfig, 0, iCol, zText, &pExpr, &zErr)
                      : sqlite3Fts5ExprPattern(pConfig, c=='G', iCol, zText, &pExpr);
          pConfig->pzErrmsg = pzSaved;
          if( rc==SQLITE_OK && pExpr ) guardQueryNode(pExpr->pRoot, &q);
        }
      }
      sqlite3Fts5ExprFree(pExpr);
      sqlite3_free(zErr);
      if( bFree ){
        sqlite3_free(zText);
        sqlite3Fts5ClearLocale(pConfig);
      }
      if( rc==SQLITE_NOMEM ) return rc;
    }
  }
  if( q.nText>GUARD_MATCH_TEXT || q.nWeight>GUARD_MATCH_WEIGHT ){
    char zMsg[80];
    sqlite3_free(pCursor->pVtab->zErrMsg);
    pCursor->pVtab->zErrMsg = sqlite3_mprintf("%s", guardTooLarge("MATCH", zMsg, sizeof(zMsg)));
    return SQLITE_ERROR;
  }
  rc = fts5FilterMethod(pCursor, idxNum, idxStr, nVal, apVal);
  if( rc!=SQLITE_OK && rc!=SQLITE_NOMEM && pCursor->pVtab->zErrMsg==0 ){
    /* ORDER BY rank runs a statement of FTS5's own, whose error (a refused bm25()) would
    ** otherwise reach the caller as "SQL logic error". */
    pCursor->pVtab->zErrMsg = sqlite3_mprintf("%s", sqlite3_errmsg(pConfig->db));
  }
  return rc;
}

/* ---------------------------------------------------------------------------------------
** Installation. The built-in scalar functions live in one process-wide table: their entries
** are pointed at the guards once, while sqlite3_initialize() holds its mutex, so every
** connection (and SQL that SQLite compiles for itself) sees only the guarded versions, with
** the original names, argument counts and flags. FTS5 keeps its module and auxiliary
** functions per connection: an automatic extension swaps them on every open.
*/
typedef void (*GuardScalar)(sqlite3_context*, int, sqlite3_value**);
static const struct { GuardScalar xOrig, xGuard; } aGuardScalar[] = {
  { trimFunc,      guardTrim },
  { instrFunc,     guardInstr },
  { replaceFunc,   guardReplace },
  { unhexFunc,     guardUnhex },
  { jsonPatchFunc, guardJsonPatch },
  { likeFunc,      guardLike },
};

static sqlite3_module guardFts5Module;
static int guardFts5ModuleReady = 0;

static int guardConnection(sqlite3 *db, char **pzErr, const sqlite3_api_routines *pThunk){
  Module *pMod = (Module*)sqlite3HashFind(&db->aModule, "fts5");
  Fts5Global *pGlobal;
  int rc;
  (void)pzErr; (void)pThunk;
  if( pMod==0 || pMod->pModule==0 || pMod->pModule->xFilter!=fts5FilterMethod ){
    return SQLITE_ERROR;  /* not the FTS5 this file was written for: refuse to open */
  }
  sqlite3_mutex_enter(sqlite3MutexAlloc(SQLITE_MUTEX_STATIC_APP1));
  if( !guardFts5ModuleReady ){
    guardFts5Module = *pMod->pModule;
    guardFts5Module.xFilter = guardFts5Filter;
    guardFts5ModuleReady = 1;
  }
  sqlite3_mutex_leave(sqlite3MutexAlloc(SQLITE_MUTEX_STATIC_APP1));
  pMod->pModule = &guardFts5Module;  /* before any FTS5 table is connected */

  /* A function created later is found first: these shadow the built-in ones. */
  pGlobal = (Fts5Global*)pMod->pAux;
  rc = pGlobal->api.xCreateFunction(&pGlobal->api, "bm25", 0, guardBm25, 0);
  if( rc==SQLITE_OK ) rc = pGlobal->api.xCreateFunction(&pGlobal->api, "snippet", 0, guardSnippet, 0);
  if( rc==SQLITE_OK ) rc = pGlobal->api.xCreateFunction(&pGlobal->api, "highlight", 0, guardHighlight, 0);
  return rc;
}

/* SQLITE_EXTRA_INIT_MUTEXED: runs once, inside sqlite3_initialize(), before any connection. */
int walkindb_guards_init(const char *zUnused){
  int i, j, nSwapped = 0;
  (void)zUnused;
  for(i=0; i<SQLITE_FUNC_HASH_SZ; i++){
    FuncDef *pName, *p;
    for(pName=sqlite3BuiltinFunctions.a[i]; pName; pName=pName->u.pHash){
      for(p=pName; p; p=p->pNext){
        for(j=0; j<(int)ArraySize(aGuardScalar); j++){
          if( p->xSFunc==aGuardScalar[j].xOrig ){
            p->xSFunc = aGuardScalar[j].xGuard;
            nSwapped++;
          }
        }
      }
    }
  }
  /* trim, ltrim, rtrim (1 and 2 arguments), instr, replace, unhex (1 and 2), json_patch,
  ** jsonb_patch, like (2 and 3), glob: fewer means another SQLite than this file expects. */
  if( nSwapped!=15 ) return SQLITE_ERROR;

  /* What sqlite3_auto_extension() does; calling it from here would re-enter the
  ** initialization and wait on itself. Nothing else registers automatic extensions. */
  if( sqlite3Autoext.nExt!=0 ) return SQLITE_ERROR;
  sqlite3Autoext.aExt = sqlite3Malloc(sizeof(sqlite3Autoext.aExt[0]));
  if( sqlite3Autoext.aExt==0 ) return SQLITE_NOMEM;
  sqlite3Autoext.aExt[0] = (void(*)(void))guardConnection;
  sqlite3Autoext.nExt = 1;
  return SQLITE_OK;
}
