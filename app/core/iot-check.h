/* SPDX-License-Identifier: GPL-3.0-or-later
 * The check engine: a check serves one or more of the 13 guidelines (and
 * names their ETSI EN 303 645 provisions), runs asynchronously on the main
 * loop with a timeout and a GCancellable, and ends with a result: PASS, FAIL,
 * WARN, MANUAL or N/A, with the evidence that decided it (sanitized, never a
 * secret). A runner runs the checks for one device and folds their results
 * into one result per guideline: the worst status, with all the evidence.
 */
#pragma once

#include <gio/gio.h>

#include "iot-guidelines.h"
#include "iot-profile.h"
#include "iot-registry.h"

/* In order of severity: a guideline takes its worst check's status. */
typedef enum
{
  IOT_CHECK_NA,     /* does not apply to this device */
  IOT_CHECK_PASS,   /* observed to be fine */
  IOT_CHECK_MANUAL, /* only the user can confirm */
  IOT_CHECK_WARN,   /* unknown or doubtful */
  IOT_CHECK_FAIL,   /* observed to be wrong */
} IotCheckStatus;

#define IOT_CHECK_MAX_GUIDELINES 4
#define IOT_CHECK_MAX_EVIDENCE 1024
#define IOT_CHECK_DEFAULT_TIMEOUT_MS 10000

typedef struct
{
  char *check_id;
  guint guidelines[IOT_CHECK_MAX_GUIDELINES + 1]; /* 0-terminated */
  IotCheckStatus status;
  char *evidence;     /* sanitized plain text */
  char **references;  /* e.g. "ETSI EN 303 645 provision 5.2-1" */
} IotCheckResult;

/* What a check may look at. */
typedef struct
{
  const IotDevice *device;
  const IotProfile *profile;
  const IotGuidelines *guidelines;
  GDateTime *now; /* "today", for dates; injected by tests */
} IotCheckContext;

typedef struct _IotCheck IotCheck;

/* A synchronous decision on facts already at hand. Returns NULL when the
 * check has nothing to say about this device (it does not count then). */
typedef IotCheckResult *(*IotCheckDecideFunc) (const IotCheck *check,
                                               const IotCheckContext *ctx);
/* An asynchronous check: returns its IotCheckResult* (or NULL) through
 * g_task_return_pointer() on @task, honouring g_task_get_cancellable(). */
typedef void (*IotCheckStartFunc) (const IotCheck *check, const IotCheckContext *ctx,
                                   GTask *task);

struct _IotCheck
{
  const char *id;
  guint guidelines[IOT_CHECK_MAX_GUIDELINES + 1]; /* 0-terminated */
  guint timeout_ms;                               /* 0: the default */
  const char *etsi[IOT_CHECK_MAX_GUIDELINES + 1]; /* provisions, NULL-terminated */
  IotCheckDecideFunc decide;                      /* either this … */
  IotCheckStartFunc start;                        /* … or this */
};

const char *iot_check_status_to_string (IotCheckStatus status); /* "PASS", "N/A", … */
const char *iot_check_status_to_label (IotCheckStatus status);  /* translated */
const char *iot_check_status_to_json (IotCheckStatus status);   /* "pass", "na", … */

IotCheckResult *iot_check_result_new (const IotCheck *check, IotCheckStatus status,
                                      const char *evidence);
IotCheckResult *iot_check_result_newf (const IotCheck *check, IotCheckStatus status,
                                       const char *format, ...) G_GNUC_PRINTF (3, 4);
IotCheckResult *iot_check_result_copy (const IotCheckResult *result);
void iot_check_result_free (IotCheckResult *result);

/* One guideline's verdict. */
typedef struct
{
  guint guideline;
  IotCheckStatus status;
  GPtrArray *results; /* IotCheckResult*, owned, in check order */
} IotGuidelineResult;

IotCheckStatus iot_check_status_worst (IotCheckStatus a, IotCheckStatus b);
/* Folds @results (IotCheckResult*, not consumed) into @out[13]; a
 * guideline without results gets the MANUAL question from @guidelines. */
void iot_check_aggregate (GPtrArray *results, const IotGuidelines *guidelines,
                          IotGuidelineResult out[IOT_N_GUIDELINES]);
void iot_guideline_results_clear (IotGuidelineResult results[IOT_N_GUIDELINES]);
char *iot_check_dup_question (const IotGuideline *guideline);

/* Every check, in the order they run: the profile's facts, then the probes
 * of the device's services (MQTT, SSH, risky ports), then its web
 * interface. Each decides itself whether it applies. A static list. */
const IotCheck *const *iot_checks_all (guint *n_checks);

typedef struct _IotCheckRunner IotCheckRunner;

IotCheckRunner *iot_check_runner_new (const IotCheck *const *checks, guint n_checks,
                                      const IotCheckContext *ctx);
void iot_check_runner_free (IotCheckRunner *runner);
void iot_check_runner_run_async (IotCheckRunner *runner, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean iot_check_runner_run_finish (IotCheckRunner *runner, GAsyncResult *result,
                                      GError **error);
/* After a successful run: the result of guideline @id (1 … 13). */
const IotGuidelineResult *iot_check_runner_get_result (IotCheckRunner *runner, guint id);
IotCheckStatus iot_check_runner_get_worst (IotCheckRunner *runner);

/* The person's answer to a guideline only they can confirm (MANUAL). */
typedef enum
{
  IOT_ANSWER_NONE,       /* not answered */
  IOT_ANSWER_YES,        /* → PASS */
  IOT_ANSWER_NO,         /* → FAIL */
  IOT_ANSWER_DONT_KNOW,  /* → WARN */
} IotAnswer;

/* What the session keeps about one device's checks: the person's answers
 * (one per guideline, index 0 is guideline 1) and the worst result of the
 * last run, for the device list's badge. Never a secret. */
typedef struct
{
  IotAnswer answers[IOT_N_GUIDELINES];
  gboolean checked;
  IotCheckStatus worst;
} IotCheckNotes;

IotCheckStatus iot_answer_to_status (IotAnswer answer);
/* The evidence of an answer, translated: "Answered by the person: yes." */
const char *iot_answer_to_evidence (IotAnswer answer);
/* After a successful run: folds @answers (IOT_N_GUIDELINES of them) and
 * @extra (nullable; IotCheckResult* observed elsewhere, e.g. by a wizard,
 * not consumed) into the per-guideline results. An answered guideline
 * drops its MANUAL results and gets the answer as a result of its own
 * ("answer-gN"); results that were observed stay and still count.
 * Idempotent: call it again whenever an answer changes. */
void iot_check_runner_apply_answers (IotCheckRunner *runner, const IotAnswer *answers,
                                     GPtrArray *extra);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotCheckResult, iot_check_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotCheckRunner, iot_check_runner_free)
