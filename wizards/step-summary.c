/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: the summary at the end of a device's setup wizard: its card against
 * the 13 guidelines (the facts checks, with the wizard's own observations
 * in place of the guesses they replace), what the wizard changed, what is
 * left for the person, and an offer to save the report (s: plain text,
 * written atomically into the home directory; it never holds a secret; not
 * in the kiosk, whose receipt at Finish holds the same card).
 * Reaching it marks the device as done in the device list.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-guidelines.h"
#include "app/core/iot-session.h"
#include "app/ui/ui-keys.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>

typedef struct
{
  IotSession *session;
  IotSetupTarget *target;
  IotGuidelines *guidelines;
  IotReport *report;
  char *saved;  /* where the report went, or NULL */
  char *failed; /* why saving failed, or NULL */
} Summary;

static gpointer
summary_enter (IotWizard *w)
{
  Summary *s = g_new0 (Summary, 1);
  s->session = iot_wizard_get_context (w);
  return s;
}

/* Builds the card once discovery has the device (after a reset it is away
 * for a moment). */
static gboolean
ensure_report (Summary *s)
{
  if (s->target != NULL)
    return TRUE;
  IotDevice *dev = iot_session_get_selected (s->session);
  if (dev == NULL)
    return FALSE;
  s->target = iot_setup_target_new (dev, s->session->profiles);
  g_autofree char *path = iot_guidelines_default_path ();
  g_autoptr (GError) error = NULL;
  s->guidelines = iot_guidelines_load (path, &error);
  IotSetupRecord *rec = iot_session_get_record (s->session, dev->id);
  rec->done = TRUE;
  /* The password step's verified result (G1) is an observation too. */
  GPtrArray *observed = iot_session_get_results (s->session, dev->id);
  for (guint i = 0; observed != NULL && i < observed->len; i++)
    iot_setup_record_set_result (rec, iot_check_result_copy (observed->pdata[i]));
  if (s->guidelines == NULL)
    {
      s->failed = g_strdup (error->message);
      return TRUE;
    }
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  s->report = iot_setup_record_report (rec, dev, s->target->profile, s->guidelines, now);
  return TRUE;
}

static void
summary_leave (IotWizard *w, gpointer data)
{
  Summary *s = data;
  iot_setup_target_free (s->target);
  iot_report_free (s->report);
  iot_guidelines_free (s->guidelines);
  g_free (s->saved);
  g_free (s->failed);
  g_free (s);
}

static void
save (Summary *s)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("iotsetup-%s-%s.txt", s->target->short_name, stamp);
  g_autofree char *path = g_build_filename (g_get_home_dir (), name, NULL);
  g_autoptr (GError) error = NULL;
  g_clear_pointer (&s->saved, g_free);
  g_clear_pointer (&s->failed, g_free);
  if (iot_report_write (s->report, IOT_REPORT_TEXT, path, &error))
    s->saved = g_steal_pointer (&path);
  else
    s->failed = g_strdup (error->message);
}

static IotStepResult
summary_action (IotWizard *w, gpointer data, IotAction action)
{
  Summary *s = data;
  switch (action)
    {
    case IOT_ACTION_SAVE:
      if (ensure_report (s) && s->report)
        save (s);
      return IOT_STEP_STAY;
    case IOT_ACTION_OPEN:
    case IOT_ACTION_BACK:
      /* The wizard is over: back to the device list, where it is marked done. */
      s->session->full_setup = FALSE;
      iot_wizard_set_back (w, "devices");
      return IOT_STEP_BACK;
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
}

static int
list (IotUi *ui, int row, const char *title, GPtrArray *items)
{
  int used = ui_paragraph (ui, row, UI_STYLE_HEADER, title);
  if (items->len == 0)
    used += ui_paragraph (ui, row + used, UI_STYLE_DIM, _("(nothing)"));
  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *t = g_strdup_printf ("- %s", (char *) items->pdata[i]);
      used += ui_paragraph (ui, row + used, UI_STYLE_NORMAL, t);
    }
  return used;
}

static void
summary_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Summary *s = data;
  int row = 0, cols = ui_body_cols (ui);
  if (!ensure_report (s))
    {
      ui_paragraph (ui, 1, UI_STYLE_WARN, _("This device has left the network. Press Esc to go back to the list."));
      return;
    }
  g_autofree char *head = g_strdup_printf (_("Summary for “%s”"), s->target->name);
  row += ui_paragraph (ui, row, UI_STYLE_HEADER, head);
  if (s->report == NULL)
    {
      ui_paragraph (ui, row + 1, UI_STYLE_ERROR, s->failed);
      return;
    }
  for (guint i = 1; i <= IOT_N_GUIDELINES; i++)
    {
      const IotGuideline *g = iot_guidelines_get (s->guidelines, i);
      IotCheckStatus st = iot_report_get_status (s->report, i);
      g_autofree char *t = g_strdup_printf ("%2u. %s", i, _(g->title));
      const char *label = iot_check_status_to_label (st);
      int lw = 8;
      ui_text (ui, row, 1, MAX (cols - lw - 3, 1), UI_STYLE_NORMAL, t);
      ui_text (ui, row, MAX (cols - lw - 1, 1), lw,
               st == IOT_CHECK_FAIL ? UI_STYLE_ERROR : st == IOT_CHECK_WARN ? UI_STYLE_WARN : UI_STYLE_NORMAL, label);
      row++;
    }
  row++;
  const IotSetupRecord *rec = iot_session_lookup_record (s->session, s->target->device_id);
  if (rec)
    {
      row += list (ui, row, _("What changed:"), rec->changes);
      list (ui, row, _("Left for you to do:"), rec->todo);
    }
  if (s->saved)
    {
      /* Translators: %s is a file name */
      g_autofree char *msg = g_strdup_printf (_("Report saved to %s"), s->saved);
      ui_set_status (ui, UI_STYLE_NORMAL, msg);
    }
  else if (s->failed)
    ui_set_status (ui, UI_STYLE_ERROR, s->failed);
  else if (s->session->config->kiosk)
    {
      /* Translators: %s is the key that ends a kiosk session (F9). */
      g_autofree char *hint = g_strdup_printf (
        _("Enter: back to the list. %s: finish, with a receipt (no passwords in it)."),
        ui_keys_label (IOT_ACTION_FINISH));
      ui_set_status (ui, UI_STYLE_DIM, hint);
    }
  else
    ui_set_status (ui, UI_STYLE_DIM, _("s saves the report (no passwords in it). Enter: back to the list."));
}

static const IotAction summary_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_SAVE, IOT_ACTION_OPEN, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_summary = {
  .id = "summary",
  .title = N_ ("Summary"),
  .bar = summary_bar,
  .enter = summary_enter,
  .action = summary_action,
  .draw = summary_draw,
  .leave = summary_leave,
};
