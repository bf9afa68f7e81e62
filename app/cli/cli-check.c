/* SPDX-License-Identifier: GPL-3.0-or-later
 * `iotsetup check DEVICE`: scan (as `iotsetup scan` does), pick DEVICE by
 * name or address, run the checks on it, print the result per guideline
 * (text, or JSON with --json) and optionally write a report file.
 *
 * Exit codes: 0 nothing worse than MANUAL (PASS, MANUAL or N/A only);
 * 1 no such device; 2 an error (no Avahi daemon, bad arguments, a report
 * that cannot be written); 3 the worst result is WARN; 4 a FAIL.
 */
#include "config.h"

#include "cli.h"

#include "app/core/iot-check.h"
#include "app/core/iot-profile.h"
#include "app/core/iot-report.h"
#include "app/core/iot-session.h"

#include <glib/gi18n.h>

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
  GError *error;
} Wait;

static void
run_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->ok = iot_check_runner_run_finish (NULL, res, &w->error);
  g_main_loop_quit (w->loop);
}

static int
exit_code (IotCheckStatus worst)
{
  switch (worst)
    {
    case IOT_CHECK_FAIL: return IOT_EXIT_CHECK_FAIL;
    case IOT_CHECK_WARN: return IOT_EXIT_CHECK_WARN;
    default: return IOT_EXIT_OK;
    }
}

/**
 * iot_cli_check:
 * @config: (transfer full)
 */
int
iot_cli_check (IotConfig *config, int argc, char **argv)
{
  double timeout = config->scan_timeout;
  gboolean json = FALSE;
  g_autofree char *report_path = NULL, *format_name = NULL;
  const GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout,
      N_ ("Give up the scan after SECONDS (default from the configuration)"), N_ ("SECONDS") },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON (schema iotsetup.check/1)"),
      NULL },
    { "report", 'r', 0, G_OPTION_ARG_FILENAME, &report_path, N_ ("Also write a report to FILE"),
      N_ ("FILE") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_ ("The report's format: text, json or html (default: text)"), N_ ("FORMAT") },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("DEVICE"));
  g_set_prgname ("iotsetup check");
  g_option_context_set_summary (
    ctx, _("Check a device against the 13 guidelines of the UK Code of Practice for Consumer "
           "IoT Security. DEVICE is a name or address as “iotsetup scan” lists them."));
  g_option_context_set_description (
    ctx, _("Exit status: 0 no warnings or failures, 1 no such device, 2 an error, "
           "3 a warning, 4 a failure."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  IotReportFormat format = IOT_REPORT_TEXT;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2 ||
      !(timeout > 0 && timeout <= 3600) ||
      (format_name && !iot_report_format_from_string (format_name, &format)) ||
      (format_name && !report_path))
    {
      g_printerr ("iotsetup check: %s\n",
                  error ? error->message : _("invalid arguments; see --help"));
      iot_config_free (config);
      return IOT_EXIT_ERROR;
    }
  const char *what = argv[1];

  g_autofree char *profiles_dir = iot_profiles_default_dir ();
  g_autoptr (IotProfiles) profiles = iot_profiles_load_dir (profiles_dir, &error);
  g_autofree char *guidelines_path = iot_guidelines_default_path ();
  g_autoptr (IotGuidelines) guidelines =
    profiles ? iot_guidelines_load (guidelines_path, &error) : NULL;
  if (guidelines == NULL)
    {
      g_printerr ("iotsetup: %s\n", error->message);
      iot_config_free (config);
      return IOT_EXIT_ERROR;
    }

  Wait wait = { g_main_loop_new (NULL, FALSE) };
  g_autoptr (IotSession) session = iot_cli_discover (config, wait.loop, timeout);
  IotDevice *device = session != NULL ? iot_cli_lookup (session, what) : NULL;
  if (device == NULL)
    {
      g_main_loop_unref (wait.loop);
      return session != NULL ? IOT_EXIT_NONE_FOUND : IOT_EXIT_ERROR;
    }

  g_autoptr (IotProfileMatch) match = iot_profile_match_device (profiles, device);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  IotCheckContext cctx = {
    .device = device, .profile = match->profile, .guidelines = guidelines, .now = now
  };
  guint n_checks;
  const IotCheck *const *checks = iot_checks_all (&n_checks);
  g_autoptr (IotCheckRunner) runner = iot_check_runner_new (checks, n_checks, &cctx);
  iot_check_runner_run_async (runner, NULL, run_done_cb, &wait);
  g_main_loop_run (wait.loop);
  g_main_loop_unref (wait.loop);
  if (!wait.ok)
    {
      g_printerr ("iotsetup: %s\n", wait.error->message);
      g_clear_error (&wait.error);
      return IOT_EXIT_ERROR;
    }

  g_autoptr (IotReport) report =
    iot_report_new (device, match->profile, guidelines, runner, now);
  g_autofree char *out = iot_report_to_format (report, json ? IOT_REPORT_JSON : IOT_REPORT_TEXT);
  g_print ("%s", out);
  if (report_path && !iot_report_write (report, format, report_path, &error))
    {
      g_printerr ("iotsetup: %s\n", error->message);
      return IOT_EXIT_ERROR;
    }
  return exit_code (iot_report_get_worst (report));
}
