/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: a device's guideline card. The 13 guidelines, each with its result
 * (as a word in colour, never colour alone), short title and ETSI clause,
 * and the evidence of the selected one. The checks (iot_checks_all () of
 * this device) start when the card opens and run on the loop; leaving the
 * card cancels them. Guidelines only the person can confirm (MANUAL) are
 * answered here with y / n / d; the answers live in the session's check
 * notes (core), so they stay when the card is opened again and a report
 * uses them.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-check.h"
#include "app/core/iot-session.h"
#include "app/core/iot-width.h"
#include "app/ui/ui-keys.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>

typedef struct _Card Card;

/* One run of the checks; it outlives the card when the card is left while
 * the run is still cancelling (the runner must live until its callback). */
typedef struct
{
  Card *card; /* NULL once the card has been left */
  IotCheckRunner *runner;
  IotGuidelines *guidelines;
  IotProfileMatch *match;
} Run;

struct _Card
{
  IotWizard *wizard;
  IotSession *session;
  char *device_id;
  Run *run;
  GCancellable *cancellable;
  gboolean done;
  char *error; /* why the checks could not run */
  int selected; /* 0 … 12 */
  int scroll;   /* of the evidence */
};

static void
run_free (Run *run)
{
  iot_check_runner_free (run->runner);
  iot_guidelines_free (run->guidelines);
  iot_profile_match_free (run->match);
  g_free (run);
}

static IotCheckNotes *
card_notes (Card *c)
{
  return iot_session_get_check_notes (c->session, c->device_id, TRUE);
}

static void
card_apply_answers (Card *c)
{
  IotCheckNotes *notes = card_notes (c);
  /* What the wizards observed (a password set and verified) counts too. */
  iot_check_runner_apply_answers (c->run->runner, notes->answers,
                                  iot_session_get_results (c->session, c->device_id));
  notes->checked = TRUE;
  notes->worst = iot_check_runner_get_worst (c->run->runner);
}

static void
run_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Run *run = data;
  g_autoptr (GError) error = NULL;
  gboolean ok = iot_check_runner_run_finish (run->runner, res, &error);
  Card *c = run->card;
  if (c == NULL) /* the card was left: nobody waits for it */
    {
      run_free (run);
      return;
    }
  if (!ok)
    c->error = g_strdup (error->message);
  else
    {
      c->done = TRUE;
      card_apply_answers (c);
    }
  iot_wizard_changed (c->wizard);
}

static gpointer
card_enter (IotWizard *w)
{
  IotSession *session = iot_wizard_get_context (w);
  Card *c = g_new0 (Card, 1);
  c->wizard = w;
  c->session = session;
  IotDevice *dev = iot_session_get_selected (session);
  if (dev == NULL || session->profiles == NULL)
    {
      c->error = g_strdup (dev == NULL ? _("This device has left the network.")
                                       : _("The device profiles could not be read."));
      return c;
    }
  c->device_id = g_strdup (dev->id);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = iot_guidelines_default_path ();
  IotGuidelines *guidelines = iot_guidelines_load (path, &error);
  if (guidelines == NULL)
    {
      c->error = g_strdup (error->message);
      return c;
    }
  Run *run = g_new0 (Run, 1);
  run->card = c;
  run->guidelines = guidelines;
  run->match = iot_profile_match_device (session->profiles, dev);
  guint n_checks;
  const IotCheck *const *checks = iot_checks_all (&n_checks);
  IotCheckContext ctx = { .device = dev, .profile = run->match->profile, .guidelines = guidelines };
  run->runner = iot_check_runner_new (checks, n_checks, &ctx);
  c->run = run;
  c->cancellable = g_cancellable_new ();
  iot_check_runner_run_async (run->runner, c->cancellable, run_done_cb, run);
  return c;
}

static void
card_leave (IotWizard *w, gpointer data)
{
  Card *c = data;
  if (c->run && !c->done && c->error == NULL)
    {
      c->run->card = NULL; /* run_done_cb frees it */
      g_cancellable_cancel (c->cancellable);
    }
  else if (c->run)
    run_free (c->run);
  g_clear_object (&c->cancellable);
  g_free (c->device_id);
  g_free (c->error);
  g_free (c);
}

static UiStyle
status_style (IotCheckStatus s)
{
  switch (s)
    {
    case IOT_CHECK_FAIL: return UI_STYLE_ERROR;
    case IOT_CHECK_WARN: return UI_STYLE_WARN;
    case IOT_CHECK_MANUAL: return UI_STYLE_BADGE;
    case IOT_CHECK_NA: return UI_STYLE_DIM;
    case IOT_CHECK_PASS:
    default: return UI_STYLE_NORMAL;
    }
}

static void
card_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Card *c = data;
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);
  if (c->error)
    {
      ui_text_wrapped (ui, 1, 2, cols - 4, rows - 1, UI_STYLE_WARN, c->error);
      return;
    }
  IotDevice *dev = iot_registry_get_device (c->session->registry, c->device_id);
  g_autofree char *name = dev ? iot_device_dup_display_name (dev) : g_strdup (c->device_id);
  ui_text (ui, 0, 1, cols - 2, UI_STYLE_HEADER, name);
  if (!c->done)
    {
      ui_text (ui, 2, 2, cols - 4, UI_STYLE_NORMAL,
               _("Checking the device against the 13 guidelines…"));
      /* Translators: %s is the key that goes back */
      g_autofree char *hint = g_strdup_printf (_("Press %s to stop and go back."),
                                               ui_keys_label (IOT_ACTION_BACK));
      ui_text (ui, 3, 2, cols - 4, UI_STYLE_DIM, hint);
      return;
    }
  /* Status column: as wide as the widest translated label. */
  int sw = 4;
  for (int s = IOT_CHECK_NA; s <= IOT_CHECK_FAIL; s++)
    sw = MAX (sw, iot_width (iot_check_status_to_label ((IotCheckStatus) s)));
  int list_rows = MIN (IOT_N_GUIDELINES, MAX (rows - 4, 3));
  int first = CLAMP (c->selected - list_rows + 1, 0, IOT_N_GUIDELINES - list_rows);
  for (int r = 0; r < list_rows; r++)
    {
      guint id = (guint) (first + r + 1);
      const IotGuidelineResult *g = iot_check_runner_get_result (c->run->runner, id);
      const IotGuideline *gl = iot_guidelines_get (c->run->guidelines, id);
      gboolean sel = first + r == c->selected;
      UiStyle row_style = sel ? UI_STYLE_SELECTED : UI_STYLE_NORMAL;
      if (sel)
        ui_fill (ui, 1 + r, UI_STYLE_SELECTED);
      g_autofree char *num = g_strdup_printf ("%2u", id);
      ui_text (ui, 1 + r, 1, 3, row_style, num);
      ui_text (ui, 1 + r, 5, sw, sel ? row_style : status_style (g->status),
               iot_check_status_to_label (g->status));
      /* Translators: a guideline's title, then its ETSI EN 303 645 clause */
      g_autofree char *title = g_strdup_printf (_("%s (ETSI %s)"), _(gl->title), gl->etsi);
      ui_text (ui, 1 + r, 6 + sw, cols - 7 - sw, row_style, title);
    }
  /* The evidence of the selected guideline, wrapped, below the list. */
  const IotGuidelineResult *g = iot_check_runner_get_result (c->run->runner, (guint) c->selected + 1);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g->results->len; i++)
    {
      const IotCheckResult *res = g->results->pdata[i];
      g_autofree char *line = g_strdup_printf ("%s: %s", iot_check_status_to_label (res->status),
                                               res->evidence);
      g_autoptr (GPtrArray) part = iot_width_wrap (line, MAX (cols - 4, 1));
      for (guint j = 0; j < part->len; j++)
        g_ptr_array_add (lines, g_strdup (part->pdata[j]));
    }
  int top = 2 + list_rows, avail = rows - top;
  c->scroll = CLAMP (c->scroll, 0, MAX (0, (int) lines->len - avail));
  for (int r = 0; r < avail && c->scroll + r < (int) lines->len; r++)
    ui_text (ui, top + r, 2, cols - 4, UI_STYLE_NORMAL, lines->pdata[c->scroll + r]);
  if (g->status == IOT_CHECK_MANUAL || card_notes (c)->answers[c->selected] != IOT_ANSWER_NONE)
    {
      /* Translators: the three keys that answer a question on the guideline card */
      g_autofree char *ask = g_strdup_printf (_("Is this true for your device? %s yes, %s no, "
                                                "%s don't know."),
                                              ui_keys_label (IOT_ACTION_ANSWER_YES),
                                              ui_keys_label (IOT_ACTION_ANSWER_NO),
                                              ui_keys_label (IOT_ACTION_ANSWER_DONT_KNOW));
      ui_set_status (ui, UI_STYLE_BADGE, ask);
    }
}

static IotStepResult
card_action (IotWizard *w, gpointer data, IotAction action)
{
  Card *c = data;
  IotAnswer answer = IOT_ANSWER_NONE;
  switch (action)
    {
    case IOT_ACTION_UP:
      c->selected = MAX (c->selected - 1, 0);
      c->scroll = 0;
      return IOT_STEP_STAY;
    case IOT_ACTION_DOWN:
      c->selected = MIN (c->selected + 1, IOT_N_GUIDELINES - 1);
      c->scroll = 0;
      return IOT_STEP_STAY;
    case IOT_ACTION_HOME:
      c->selected = 0;
      return IOT_STEP_STAY;
    case IOT_ACTION_END:
      c->selected = IOT_N_GUIDELINES - 1;
      return IOT_STEP_STAY;
    case IOT_ACTION_PAGE_DOWN:
      c->scroll++;
      return IOT_STEP_STAY;
    case IOT_ACTION_PAGE_UP:
      c->scroll--;
      return IOT_STEP_STAY;
    case IOT_ACTION_ANSWER_YES:
      answer = IOT_ANSWER_YES;
      break;
    case IOT_ACTION_ANSWER_NO:
      answer = IOT_ANSWER_NO;
      break;
    case IOT_ACTION_ANSWER_DONT_KNOW:
      answer = IOT_ANSWER_DONT_KNOW;
      break;
    case IOT_ACTION_BACK:
      return IOT_STEP_BACK;
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
  if (!c->done)
    return IOT_STEP_STAY;
  /* Only questions are answered: an observed result is not the person's to overrule. */
  IotCheckNotes *notes = card_notes (c);
  const IotGuidelineResult *g = iot_check_runner_get_result (c->run->runner, (guint) c->selected + 1);
  if (g->status != IOT_CHECK_MANUAL && notes->answers[c->selected] == IOT_ANSWER_NONE)
    return IOT_STEP_STAY;
  notes->answers[c->selected] = answer;
  card_apply_answers (c);
  return IOT_STEP_STAY;
}

static const IotAction card_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_ANSWER_YES, IOT_ACTION_ANSWER_NO, IOT_ACTION_ANSWER_DONT_KNOW,
  IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_guideline_card = {
  .id = "guideline-card",
  .title = N_ ("Guidelines"),
  .bar = card_bar,
  .enter = card_enter,
  .action = card_action,
  .draw = card_draw,
  .leave = card_leave,
};
