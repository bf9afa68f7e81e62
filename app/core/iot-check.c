/* SPDX-License-Identifier: GPL-3.0-or-later
 * The check engine and runner (see iot-check.h).
 */
#include "config.h"

#include "iot-check.h"

#include "iot-checks-facts.h"
#include "iot-checks-http.h"
#include "iot-checks-probe.h"
#include "iot-sanitize.h"

#include <glib/gi18n.h>

const char *
iot_check_status_to_string (IotCheckStatus status)
{
  switch (status)
    {
    case IOT_CHECK_NA: return "N/A";
    case IOT_CHECK_PASS: return "PASS";
    case IOT_CHECK_MANUAL: return "MANUAL";
    case IOT_CHECK_WARN: return "WARN";
    case IOT_CHECK_FAIL: return "FAIL";
    }
  g_return_val_if_reached ("?");
}

const char *
iot_check_status_to_json (IotCheckStatus status)
{
  switch (status)
    {
    case IOT_CHECK_NA: return "na";
    case IOT_CHECK_PASS: return "pass";
    case IOT_CHECK_MANUAL: return "manual";
    case IOT_CHECK_WARN: return "warn";
    case IOT_CHECK_FAIL: return "fail";
    }
  g_return_val_if_reached ("?");
}

const char *
iot_check_status_to_label (IotCheckStatus status)
{
  switch (status)
    {
    /* Translators: a check's result; short, upper case where the language has it */
    case IOT_CHECK_NA: return C_ ("check result", "N/A");
    case IOT_CHECK_PASS: return C_ ("check result", "PASS");
    case IOT_CHECK_MANUAL: return C_ ("check result", "MANUAL");
    case IOT_CHECK_WARN: return C_ ("check result", "WARN");
    case IOT_CHECK_FAIL: return C_ ("check result", "FAIL");
    }
  g_return_val_if_reached ("?");
}

IotCheckStatus
iot_check_status_worst (IotCheckStatus a, IotCheckStatus b)
{
  return a > b ? a : b;
}

/**
 * iot_check_result_new:
 * @evidence: what decided it; sanitized and bounded here
 */
IotCheckResult *
iot_check_result_new (const IotCheck *check, IotCheckStatus status, const char *evidence)
{
  g_return_val_if_fail (check != NULL && check->id != NULL, NULL);
  IotCheckResult *r = g_new0 (IotCheckResult, 1);
  r->check_id = g_strdup (check->id);
  for (guint i = 0; i < IOT_CHECK_MAX_GUIDELINES && check->guidelines[i]; i++)
    r->guidelines[i] = check->guidelines[i];
  r->status = status;
  r->evidence = iot_sanitize_text (evidence ? evidence : "", -1, IOT_CHECK_MAX_EVIDENCE);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  for (guint i = 0; i < IOT_CHECK_MAX_GUIDELINES && check->etsi[i]; i++)
    {
      g_autofree char *ref = g_strdup_printf ("ETSI EN 303 645 %s", check->etsi[i]);
      g_strv_builder_add (b, ref);
    }
  r->references = g_strv_builder_end (b);
  return r;
}

IotCheckResult *
iot_check_result_newf (const IotCheck *check, IotCheckStatus status, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *text = g_strdup_vprintf (format, ap);
  va_end (ap);
  return iot_check_result_new (check, status, text);
}

IotCheckResult *
iot_check_result_copy (const IotCheckResult *r)
{
  IotCheckResult *c = g_memdup2 (r, sizeof *r);
  c->check_id = g_strdup (r->check_id);
  c->evidence = g_strdup (r->evidence);
  c->references = g_strdupv (r->references);
  return c;
}

void
iot_check_result_free (IotCheckResult *r)
{
  if (r == NULL)
    return;
  g_free (r->check_id);
  g_free (r->evidence);
  g_strfreev (r->references);
  g_free (r);
}

/* The plain-language question for a guideline nothing could decide. */
char *
iot_check_dup_question (const IotGuideline *g)
{
  /* Translators: %s is the guideline's explanation, already translated */
  return g_strdup_printf (_("Not checked automatically; only you can confirm this. %s"),
                          _(g->explanation));
}

void
iot_check_aggregate (GPtrArray *results, const IotGuidelines *guidelines,
                     IotGuidelineResult out[IOT_N_GUIDELINES])
{
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    {
      out[i].guideline = i + 1;
      out[i].status = IOT_CHECK_NA;
      out[i].results = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_check_result_free);
    }
  for (guint i = 0; results && i < results->len; i++)
    {
      const IotCheckResult *r = results->pdata[i];
      for (guint j = 0; j < IOT_CHECK_MAX_GUIDELINES && r->guidelines[j]; j++)
        {
          guint id = r->guidelines[j];
          if (id < 1 || id > IOT_N_GUIDELINES)
            continue;
          IotGuidelineResult *g = &out[id - 1];
          g->status = iot_check_status_worst (g->status, r->status);
          g_ptr_array_add (g->results, iot_check_result_copy (r));
        }
    }
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    {
      if (out[i].results->len > 0 || guidelines == NULL)
        continue;
      const IotGuideline *gl = iot_guidelines_get (guidelines, i + 1);
      g_autofree char *id = g_strdup_printf ("question-g%u", i + 1);
      IotCheck q = { .id = id, .guidelines = { i + 1 }, .etsi = { gl->etsi } };
      g_autofree char *text = iot_check_dup_question (gl);
      g_ptr_array_add (out[i].results, iot_check_result_new (&q, IOT_CHECK_MANUAL, text));
      out[i].status = IOT_CHECK_MANUAL;
    }
}

void
iot_guideline_results_clear (IotGuidelineResult results[IOT_N_GUIDELINES])
{
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    g_clear_pointer (&results[i].results, g_ptr_array_unref);
}

/* --- the runner ------------------------------------------------------------- */

struct _IotCheckRunner
{
  const IotCheck *const *checks;
  guint n_checks;
  IotCheckContext ctx;
  IotDevice *device;  /* ctx.device: a snapshot, owned */
  GTask *task;        /* the run, while it runs */
  GPtrArray *pending; /* Pending*, one per check, in check order */
  guint n_open;
  guint finish_idle;
  gulong cancel_id;
  GPtrArray *results; /* IotCheckResult*, in check order */
  IotGuidelineResult by_guideline[IOT_N_GUIDELINES];
};

typedef struct
{
  IotCheckRunner *runner; /* NULL once the run has ended while its task was out */
  const IotCheck *check;
  GCancellable *cancellable;
  guint timer, idle;
  gboolean done;     /* has a result (or none) */
  gboolean task_out; /* an asynchronous check has not called back yet */
  IotCheckResult *result;
} Pending;

static void
pending_free (Pending *p)
{
  if (p == NULL)
    return;
  g_clear_handle_id (&p->timer, g_source_remove);
  g_clear_handle_id (&p->idle, g_source_remove);
  g_clear_object (&p->cancellable);
  iot_check_result_free (p->result);
  g_free (p);
}

IotCheckRunner *
iot_check_runner_new (const IotCheck *const *checks, guint n_checks, const IotCheckContext *ctx)
{
  IotCheckRunner *r = g_new0 (IotCheckRunner, 1);
  r->checks = checks;
  r->n_checks = n_checks;
  r->ctx = *ctx;
  /* The checks judge the device as it was when they began: the registry's
   * own may be freed while they run (it left, or the Avahi daemon came back
   * without it). */
  r->device = ctx->device ? iot_device_snapshot (ctx->device) : NULL;
  r->ctx.device = r->device;
  r->ctx.now = ctx->now ? g_date_time_ref (ctx->now) : g_date_time_new_now_local ();
  r->results = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_check_result_free);
  return r;
}

void
iot_check_runner_free (IotCheckRunner *r)
{
  if (r == NULL)
    return;
  g_return_if_fail (r->task == NULL);
  g_date_time_unref (r->ctx.now);
  iot_device_free (r->device);
  g_ptr_array_unref (r->results);
  iot_guideline_results_clear (r->by_guideline);
  g_free (r);
}

/* Ends the run: with the results when every check is done, else (it was
 * cancelled) with G_IO_ERROR_CANCELLED. */
static void
runner_finish (IotCheckRunner *r)
{
  GTask *task = g_steal_pointer (&r->task);
  GCancellable *c = g_task_get_cancellable (task);
  g_clear_handle_id (&r->finish_idle, g_source_remove);
  if (r->cancel_id)
    g_cancellable_disconnect (c, r->cancel_id);
  r->cancel_id = 0;
  gboolean all_done = r->n_open == 0;
  for (guint i = 0; i < r->pending->len; i++)
    {
      Pending *p = r->pending->pdata[i];
      if (all_done && p->result)
        g_ptr_array_add (r->results, g_steal_pointer (&p->result));
      if (!p->done)
        g_cancellable_cancel (p->cancellable);
      if (p->task_out) /* check_done frees it */
        {
          p->runner = NULL;
          r->pending->pdata[i] = NULL;
        }
    }
  g_clear_pointer (&r->pending, g_ptr_array_unref);
  if (!all_done)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                             _("The checks were cancelled."));
  else
    {
      iot_check_aggregate (r->results, r->ctx.guidelines, r->by_guideline);
      g_task_return_boolean (task, TRUE);
    }
  g_object_unref (task);
}

static gboolean
finish_idle_cb (gpointer data)
{
  IotCheckRunner *r = data;
  r->finish_idle = 0;
  if (r->task)
    runner_finish (r);
  return G_SOURCE_REMOVE;
}

static void
pending_complete (Pending *p, IotCheckResult *result)
{
  IotCheckRunner *r = p->runner;
  p->done = TRUE;
  g_clear_handle_id (&p->timer, g_source_remove);
  p->result = result;
  if (--r->n_open == 0)
    runner_finish (r);
}

static void
check_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Pending *p = data;
  g_autoptr (GError) error = NULL;
  IotCheckResult *result = g_task_propagate_pointer (G_TASK (res), &error);
  p->task_out = FALSE;
  if (p->runner == NULL) /* the run ended without it */
    {
      iot_check_result_free (result);
      pending_free (p);
      return;
    }
  if (p->done) /* timed out already */
    {
      iot_check_result_free (result);
      return;
    }
  if (error)
    {
      iot_check_result_free (result);
      result = iot_check_result_newf (p->check, IOT_CHECK_WARN,
                                      _("The check could not be completed: %s"),
                                      error->message);
    }
  pending_complete (p, result);
}

static gboolean
check_timeout_cb (gpointer data)
{
  Pending *p = data;
  p->timer = 0;
  g_clear_handle_id (&p->idle, g_source_remove);
  guint ms = p->check->timeout_ms ? p->check->timeout_ms : IOT_CHECK_DEFAULT_TIMEOUT_MS;
  g_cancellable_cancel (p->cancellable);
  pending_complete (p, iot_check_result_newf (p->check, IOT_CHECK_WARN,
                                              _("No answer within %.1f seconds."),
                                              ms / 1000.0));
  return G_SOURCE_REMOVE;
}

static gboolean
decide_idle_cb (gpointer data)
{
  Pending *p = data;
  p->idle = 0;
  pending_complete (p, p->check->decide (p->check, &p->runner->ctx));
  return G_SOURCE_REMOVE;
}

static void
run_cancelled_cb (GCancellable *c, gpointer data)
{
  IotCheckRunner *r = data;
  /* Not from inside the handler: g_cancellable_disconnect would deadlock. */
  if (r->finish_idle == 0)
    r->finish_idle = g_idle_add (finish_idle_cb, r);
}

/**
 * iot_check_runner_run_async:
 * @cancellable: (nullable): cancels every check of the run
 *
 * Runs every check at once; each has its own timeout. Keep @runner alive
 * until @callback.
 */
void
iot_check_runner_run_async (IotCheckRunner *r, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (r != NULL && r->task == NULL);
  r->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (r->task, iot_check_runner_run_async);
  g_ptr_array_set_size (r->results, 0);
  iot_guideline_results_clear (r->by_guideline);
  r->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  r->n_open = r->n_checks;
  for (guint i = 0; i < r->n_checks; i++)
    {
      Pending *p = g_new0 (Pending, 1);
      p->runner = r;
      p->check = r->checks[i];
      p->cancellable = g_cancellable_new ();
      g_ptr_array_add (r->pending, p);
    }
  if (r->n_checks == 0)
    r->finish_idle = g_idle_add (finish_idle_cb, r);
  for (guint i = 0; i < r->n_checks; i++)
    {
      Pending *p = r->pending->pdata[i];
      guint ms = p->check->timeout_ms ? p->check->timeout_ms : IOT_CHECK_DEFAULT_TIMEOUT_MS;
      p->timer = g_timeout_add (ms, check_timeout_cb, p);
      if (p->check->start)
        {
          GTask *t = g_task_new (NULL, p->cancellable, check_done, p);
          p->task_out = TRUE;
          p->check->start (p->check, &r->ctx, t);
          g_object_unref (t);
        }
      else
        p->idle = g_idle_add (decide_idle_cb, p);
    }
  if (cancellable)
    r->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (run_cancelled_cb), r, NULL);
}

gboolean
iot_check_runner_run_finish (IotCheckRunner *r, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

const IotGuidelineResult *
iot_check_runner_get_result (IotCheckRunner *r, guint id)
{
  g_return_val_if_fail (r != NULL && id >= 1 && id <= IOT_N_GUIDELINES, NULL);
  g_return_val_if_fail (r->by_guideline[id - 1].results != NULL, NULL);
  return &r->by_guideline[id - 1];
}

IotCheckStatus
iot_check_runner_get_worst (IotCheckRunner *r)
{
  IotCheckStatus worst = IOT_CHECK_NA;
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    worst = iot_check_status_worst (worst, r->by_guideline[i].status);
  return worst;
}

/* --- the person's answers ---------------------------------------------------- */

IotCheckStatus
iot_answer_to_status (IotAnswer answer)
{
  switch (answer)
    {
    case IOT_ANSWER_YES: return IOT_CHECK_PASS;
    case IOT_ANSWER_NO: return IOT_CHECK_FAIL;
    case IOT_ANSWER_DONT_KNOW: return IOT_CHECK_WARN;
    case IOT_ANSWER_NONE: return IOT_CHECK_MANUAL;
    }
  g_return_val_if_reached (IOT_CHECK_MANUAL);
}

const char *
iot_answer_to_evidence (IotAnswer answer)
{
  switch (answer)
    {
    case IOT_ANSWER_YES: return _("Answered by the person: yes.");
    case IOT_ANSWER_NO: return _("Answered by the person: no.");
    case IOT_ANSWER_DONT_KNOW: return _("Answered by the person: they do not know.");
    case IOT_ANSWER_NONE: return "";
    }
  g_return_val_if_reached ("");
}

static gboolean
answered_only (const IotCheckResult *r, const IotAnswer *answers)
{
  if (r->status != IOT_CHECK_MANUAL)
    return FALSE;
  for (guint j = 0; j < IOT_CHECK_MAX_GUIDELINES && r->guidelines[j]; j++)
    {
      guint id = r->guidelines[j];
      if (id < 1 || id > IOT_N_GUIDELINES || answers[id - 1] == IOT_ANSWER_NONE)
        return FALSE;
    }
  return TRUE;
}

void
iot_check_runner_apply_answers (IotCheckRunner *r, const IotAnswer *answers, GPtrArray *extra)
{
  g_return_if_fail (r != NULL && r->task == NULL && answers != NULL);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_check_result_free);
  for (guint i = 0; i < r->results->len; i++)
    if (!answered_only (r->results->pdata[i], answers))
      g_ptr_array_add (all, r->results->pdata[i]);
  for (guint i = 0; extra && i < extra->len; i++)
    if (!answered_only (extra->pdata[i], answers))
      g_ptr_array_add (all, extra->pdata[i]);
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    {
      if (answers[i] == IOT_ANSWER_NONE)
        continue;
      const IotGuideline *gl = r->ctx.guidelines ? iot_guidelines_get (r->ctx.guidelines, i + 1) : NULL;
      g_autofree char *id = g_strdup_printf ("answer-g%u", i + 1);
      IotCheck q = { .id = id, .guidelines = { i + 1 }, .etsi = { gl ? gl->etsi : NULL } };
      IotCheckResult *a =
        iot_check_result_new (&q, iot_answer_to_status (answers[i]), iot_answer_to_evidence (answers[i]));
      g_ptr_array_add (made, a);
      g_ptr_array_add (all, a);
    }
  iot_guideline_results_clear (r->by_guideline);
  iot_check_aggregate (all, r->ctx.guidelines, r->by_guideline);
}

static void
append_checks (const IotCheck **all, guint *n, guint max, const IotCheck *const *more, guint n_more)
{
  g_assert (*n + n_more <= max);
  for (guint i = 0; i < n_more; i++)
    all[(*n)++] = more[i];
}

const IotCheck *const *
iot_checks_all (guint *n_checks)
{
  static const IotCheck *all[64];
  static guint n;
  if (n == 0)
    {
      guint k;
      const IotCheck *const *facts = iot_checks_facts (&k);
      append_checks (all, &n, G_N_ELEMENTS (all), facts, k);
      const IotCheck *const *probes = iot_checks_probe (&k);
      append_checks (all, &n, G_N_ELEMENTS (all), probes, k);
      const IotCheck *const *http = iot_checks_http (&k);
      append_checks (all, &n, G_N_ELEMENTS (all), http, k);
    }
  *n_checks = n;
  return all;
}
