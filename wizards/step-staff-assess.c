/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: the staff assessment of the selected device (kiosk, behind the
 * staff PIN). It runs the checks without changing the device, then shows
 * the three UK PSTI legal duties first, the 13 guidelines after them, and
 * the stocking verdict with its reasons. x exports it into the spool.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-checks-facts.h"
#include "app/core/iot-kiosk.h"
#include "app/core/iot-receipt.h"
#include "app/core/iot-report.h"
#include "app/core/iot-session.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>

typedef struct
{
  IotWizard *wizard;
  GCancellable *cancel;
  IotGuidelines *guidelines;
  IotProfileMatch *match;
  IotCheckRunner *runner;
  IotReport *report; /* NULL until the run finished */
  char *name;
  char *error;
  char *exported; /* the file written, or why not */
  GDateTime *now;
  int scroll;
} Assess;

static void
run_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = iot_check_runner_run_finish (NULL, res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the step is gone */
  Assess *a = data;
  IotSession *session = iot_wizard_get_context (a->wizard);
  IotDevice *dev = iot_session_get_selected (session);
  if (!ok || dev == NULL)
    a->error = g_strdup (error ? error->message : _("The device is gone."));
  else
    a->report = iot_report_new (dev, a->match->profile, a->guidelines, a->runner, a->now);
  iot_wizard_changed (a->wizard);
}

static gpointer
assess_enter (IotWizard *w)
{
  Assess *a = g_new0 (Assess, 1);
  a->wizard = w;
  a->cancel = g_cancellable_new ();
  a->now = g_date_time_new_now_local ();
  IotSession *session = iot_wizard_get_context (w);
  IotDevice *dev = iot_session_get_selected (session);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = iot_guidelines_default_path ();
  a->guidelines = iot_guidelines_load (path, &error);
  if (dev == NULL || a->guidelines == NULL || session->profiles == NULL)
    {
      a->error = g_strdup (error ? error->message : _("The device is gone."));
      return a;
    }
  a->name = iot_device_dup_display_name (dev);
  a->match = iot_profile_match_device (session->profiles, dev);
  IotCheckContext ctx = {
    .device = dev, .profile = a->match->profile, .guidelines = a->guidelines, .now = a->now
  };
  guint n;
  const IotCheck *const *checks = iot_checks_facts (&n);
  a->runner = iot_check_runner_new (checks, n, &ctx);
  iot_check_runner_run_async (a->runner, a->cancel, run_done_cb, a);
  return a;
}

static void
assess_leave (IotWizard *w, gpointer data)
{
  Assess *a = data;
  g_cancellable_cancel (a->cancel);
  g_clear_object (&a->cancel);
  g_clear_pointer (&a->report, iot_report_free);
  g_clear_pointer (&a->runner, iot_check_runner_free);
  g_clear_pointer (&a->match, iot_profile_match_free);
  g_clear_pointer (&a->guidelines, iot_guidelines_free);
  g_date_time_unref (a->now);
  g_free (a->name);
  g_free (a->error);
  g_free (a->exported);
  g_free (a);
}

static IotKioskVerdict
verdict (Assess *a, GPtrArray *reasons)
{
  IotCheckStatus duties[IOT_KIOSK_N_DUTIES];
  for (guint i = 0; i < IOT_KIOSK_N_DUTIES; i++)
    duties[i] = iot_report_get_status (a->report, i + 1);
  return iot_kiosk_verdict (duties, a->guidelines, reasons);
}

/* The whole assessment as lines: on screen, and as the exported file's head. */
static GPtrArray *
assessment_lines (Assess *a)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  IotKioskVerdict v = verdict (a, reasons);
  g_ptr_array_add (lines, g_strdup_printf ("%s: %s", _("Verdict"), iot_kiosk_verdict_label (v)));
  g_ptr_array_add (lines, g_strdup (_("Legal duties (UK PSTI):")));
  for (guint i = 0; i < reasons->len; i++)
    g_ptr_array_add (lines, g_strdup_printf ("  %s", (char *) reasons->pdata[i]));
  g_ptr_array_add (lines, g_strdup (_("The 13 guidelines:")));
  for (guint i = 1; i <= IOT_N_GUIDELINES; i++)
    g_ptr_array_add (lines, g_strdup_printf ("  %2u. %s: %s", i,
                                             _(iot_guidelines_get (a->guidelines, i)->title),
                                             iot_check_status_to_label (
                                               iot_report_get_status (a->report, i))));
  return lines;
}

static void
assess_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Assess *a = data;
  int cols = ui_body_cols (ui), rows = ui_body_rows (ui);
  if (a->error)
    {
      ui_text_wrapped (ui, 0, 1, cols - 2, rows, UI_STYLE_ERROR, a->error);
      return;
    }
  ui_text (ui, 0, 1, cols - 2, UI_STYLE_HEADER, a->name);
  if (a->report == NULL)
    {
      ui_text (ui, 2, 1, cols - 2, UI_STYLE_NORMAL, _("Checking…"));
      return;
    }
  g_autoptr (GPtrArray) lines = assessment_lines (a);
  a->scroll = CLAMP (a->scroll, 0, MAX ((int) lines->len - (rows - 2), 0));
  for (int r = 1; r < rows && a->scroll + r - 1 < (int) lines->len; r++)
    {
      int i = a->scroll + r - 1;
      UiStyle style = i == 0 ? (verdict (a, NULL) == IOT_KIOSK_MEETS ? UI_STYLE_HEADER
                                                                      : UI_STYLE_WARN)
                             : UI_STYLE_NORMAL;
      ui_text (ui, r, 1, cols - 2, style, lines->pdata[i]);
    }
  if (a->exported)
    ui_set_status (ui, UI_STYLE_NORMAL, a->exported);
}

static void
export (Assess *a, IotSession *session)
{
  g_clear_pointer (&a->exported, g_free);
  const char *dir = session->config->kiosk_receipt_dir;
  if (*dir == '\0')
    {
      a->exported = g_strdup (_("No spool directory is configured (kiosk.receipt_dir)."));
      return;
    }
  g_autoptr (GPtrArray) lines = assessment_lines (a);
  g_autoptr (GString) text = g_string_new (NULL);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) lines->pdata[i]);
  g_autofree char *report = iot_report_to_text (a->report);
  g_string_append_printf (text, "\n%s", report);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  if (iot_spool_write (dir, "assessment", text->str, &path, &error))
    a->exported = g_strdup_printf (_("Saved: %s"), path);
  else
    a->exported = g_strdup (error->message);
}

static IotStepResult
assess_action (IotWizard *w, gpointer data, IotAction action)
{
  Assess *a = data;
  switch (action)
    {
    case IOT_ACTION_UP:
      a->scroll--;
      return IOT_STEP_STAY;
    case IOT_ACTION_DOWN:
      a->scroll++;
      return IOT_STEP_STAY;
    case IOT_ACTION_EXPORT:
      if (a->report)
        export (a, iot_wizard_get_context (w));
      return IOT_STEP_STAY;
    case IOT_ACTION_BACK:
      return IOT_STEP_BACK;
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
}

static const IotAction assess_bar[] = {
  IOT_ACTION_EXPORT, IOT_ACTION_BACK, IOT_ACTION_STAFF, IOT_ACTION_NONE,
};

const IotStepClass iot_step_staff_assess = {
  .id = "staff-assess",
  .title = N_ ("Staff assessment"),
  .bar = assess_bar,
  .enter = assess_enter,
  .action = assess_action,
  .draw = assess_draw,
  .leave = assess_leave,
};
