/* SPDX-License-Identifier: GPL-3.0-or-later
 * `iotsetup set-password DEVICE [--generate | --from-stdin]`: the password
 * wizard without a screen, for helpers who script a batch. A typed password
 * comes only from standard input (never argv or the environment) and is
 * checked by the same rules as in the wizard. A generated one is shown only
 * on the controlling terminal (/dev/tty), with its QR code, never on a
 * redirected stdout or stderr; without a terminal, generating is refused.
 * The result (text, or JSON with --json) never holds the password.
 *
 * A device the assistant cannot set a password on itself (an SSH host, a
 * printer) gets the guided steps on the terminal; after Enter there, or at
 * once with --verify-only (a password the helper already set, read from
 * stdin), it is verified the way the wizard does it (iot-password-guided).
 *
 * Exit codes: 0 set and verified; 1 no such device; 2 an error (bad
 * arguments, no terminal, no driver); 4 not verified (refused, gone,
 * failed); 5 the typed password was refused by the rules.
 */
#include "config.h"

#include "cli.h"

#include "app/core/iot-device-url.h"
#include "app/core/iot-password-apply.h"
#include "app/core/iot-password-guided.h"
#include "app/core/iot-password.h"
#include "app/core/iot-qr.h"
#include "app/core/iot-sanitize.h"
#include "app/core/iot-session.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#define IOT_EXIT_PASSWORD_REFUSED 5

typedef struct
{
  GMainLoop *loop;
  int tty; /* opened for the guided steps' Enter, or -1 */
  IotApplyReport *report;
  GError *error;
} Wait;

static void
applied_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  w->report = iot_password_apply_run_finish (NULL, res, &w->error);
  g_main_loop_quit (w->loop);
}

/* Reads standard input into a secret (one line; the newline is dropped).
 * NULL when it is longer than a secret holds. */
static IotSecret *
read_stdin_secret (void)
{
  IotSecret *secret = iot_secret_new ();
  char c;
  for (;;)
    {
      ssize_t n = read (STDIN_FILENO, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || c == '\n')
        break;
      if (!iot_secret_append (secret, &c, 1))
        {
          c = 0;
          iot_secret_free (secret);
          return NULL;
        }
    }
  c = 0;
  if (iot_secret_len (secret) > 0 && iot_secret_get (secret)[iot_secret_len (secret) - 1] == '\r')
    iot_secret_backspace (secret);
  return secret;
}

static void
tty_write (int fd, const char *text)
{
  gsize len = strlen (text);
  while (len > 0)
    {
      ssize_t n = write (fd, text, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      text += n;
      len -= (gsize) n;
    }
}

/* The generated password and its QR code, on the terminal only. */
static void
show_on_tty (int fd, const IotSecret *secret)
{
  tty_write (fd, _("The new password (shown only here, on this terminal):"));
  tty_write (fd, "\n\n    ");
  tty_write (fd, iot_secret_get (secret));
  tty_write (fd, "\n\n");
  g_autoptr (IotQr) qr = iot_qr_new (iot_secret_get (secret), 0, NULL);
  if (qr == NULL)
    return;
  g_autoptr (GPtrArray) lines = iot_qr_render_halfblocks (qr, IOT_QR_QUIET_ZONE);
  for (guint i = 0; i < lines->len; i++)
    {
      tty_write (fd, lines->pdata[i]);
      tty_write (fd, "\n");
    }
}

/* Waits for a line on the terminal; FALSE at its end. */
static gboolean
tty_wait_enter (int fd)
{
  char c;
  for (;;)
    {
      ssize_t n = read (fd, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      if (c == '\n' || c == '\r')
        return TRUE;
    }
}

static void
tty_step (int fd, guint n, const char *text)
{
  g_autofree char *line = g_strdup_printf ("  %u. %s\n", n, text);
  tty_write (fd, line);
}

/* The guided steps, on the terminal (they hold no secret; the terminal is
 * where the person is). */
static void
show_guided_steps (int fd, const IotPasswordGuided *guided, const IotProfile *profile, const IotDevice *device)
{
  if (iot_password_guided_get_kind (guided) == IOT_GUIDED_SSH)
    {
      const char *old = iot_password_guided_get_old (guided);
      const char *login = iot_password_guided_get_login (guided);
      g_autofree char *step1 = g_strdup_printf (_("Log in to it from a terminal: %s"),
                                                login != NULL ? login : "ssh");
      g_autofree char *step2 = g_strdup_printf (
          _("Type its current password when asked (the default is “%s”)."), old);
      tty_write (fd, _("Change it on the device yourself, over SSH:"));
      tty_write (fd, "\n");
      tty_step (fd, 1, step1);
      tty_step (fd, 2, step2);
      tty_step (fd, 3, _("Run passwd. It asks for the current password once more, then for the new "
                         "password twice: type the one shown below."));
      return;
    }
  tty_write (fd, _("The assistant cannot set it on this device itself. Set it on the device's "
                   "settings page, like this:"));
  tty_write (fd, "\n");
  for (guint i = 0; profile != NULL && profile->guidance != NULL && profile->guidance[i] != NULL; i++)
    tty_step (fd, i + 1, _(profile->guidance[i]));
  g_autofree char *url = iot_device_dup_admin_url (device);
  if (url != NULL)
    {
      g_autofree char *clean = iot_sanitize_text (url, -1, 0);
      g_autofree char *line = g_strdup_printf ("\n    %s\n", clean);
      tty_write (fd, line);
    }
}

static void
print_result (const char *device_id, const IotProfile *profile, const IotApplyReport *r, gboolean json,
              gboolean generated)
{
  if (!json)
    {
      g_print (_("Guideline 1: %s"), iot_check_status_to_label (r->result->status));
      g_print ("\n");
      g_print ("%s\n%s\n", r->what, r->state);
      return;
    }
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schema");
  json_builder_add_string_value (b, "iotsetup.set-password/1");
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, device_id);
  json_builder_set_member_name (b, "profile");
  json_builder_add_string_value (b, profile != NULL ? profile->id : NULL);
  json_builder_set_member_name (b, "generated");
  json_builder_add_boolean_value (b, generated);
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, iot_apply_outcome_to_json (r->outcome));
  json_builder_set_member_name (b, "guideline");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, iot_check_status_to_json (r->result->status));
  json_builder_set_member_name (b, "evidence");
  json_builder_add_string_value (b, r->result->evidence);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, r->state);
  json_builder_set_member_name (b, "set_ms");
  json_builder_add_int_value (b, r->set_ms);
  json_builder_set_member_name (b, "verify_ms");
  json_builder_add_int_value (b, r->verify_ms);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, TRUE);
  g_print ("%s\n", text);
}

/* Checks or generates the password for the device DEVICE names, applies
 * and verifies it. Returns the exit code. */
static int
apply_to_device (IotSession *session, IotProfiles *profiles, const char *what, const IotSecret *typed,
                 int tty, gboolean json, gboolean verify_only, Wait *wait)
{
  int code = IOT_EXIT_ERROR;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotSecret) generated = NULL;
  const IotSecret *secret = typed;
  IotDevice *device = iot_cli_lookup (session, what);
  if (device == NULL)
    return IOT_EXIT_NONE_FOUND;
  g_autoptr (IotProfileMatch) match = iot_profile_match_device (profiles, device);
  const IotProfile *profile = match != NULL ? match->profile : NULL;
  IotPasswordRules rules;
  iot_password_rules_init (&rules, profile);
  if (secret != NULL)
    {
      g_autoptr (IotPasswordCheck) check = iot_password_check_new (&rules);
      g_autofree char *path = iot_credentials_default_path ();
      g_autoptr (GPtrArray) creds = iot_credentials_load (path, NULL);
      iot_password_check_add_defaults (check, creds);
      iot_password_check_add_device (check, device, profile);
      IotPasswordProblem problems = iot_password_check_run (check, secret, NULL);
      if (problems != IOT_PASSWORD_OK)
        {
          g_autoptr (GPtrArray) reasons = iot_password_problem_reasons (problems, &rules);
          g_printerr ("%s\n", _("iotsetup set-password: the password was refused:"));
          for (guint i = 0; i < reasons->len; i++)
            g_printerr ("  - %s\n", (const char *) reasons->pdata[i]);
          return IOT_EXIT_PASSWORD_REFUSED;
        }
    }
  else
    {
      generated = iot_password_generate (&rules, NULL, &error);
      secret = generated;
      if (secret == NULL)
        {
          g_printerr ("iotsetup: %s\n", error->message);
          return code;
        }
    }
  g_autoptr (IotPasswordApply) apply = iot_password_apply_new (iot_session_get_http (session), device, profile, &error);
  g_autoptr (IotPasswordGuided) guided = NULL;
  if (apply == NULL && !g_error_matches (error, IOT_PASSWORD_APPLY_ERROR, IOT_PASSWORD_APPLY_ERROR_NO_DRIVER))
    {
      g_printerr ("iotsetup set-password: %s\n", error->message);
      return code;
    }
  if (apply == NULL)
    {
      /* The guided path: the person sets it, then the assistant checks. */
      guided = iot_password_guided_new (iot_session_get_http (session), device, profile);
      if (!verify_only)
        {
          if (tty < 0)
            tty = wait->tty = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
          if (tty < 0)
            {
              g_printerr ("iotsetup set-password: %s. %s\n", error->message,
                          _("Set it by the guided steps in the interactive assistant, or set it "
                            "yourself and check it with --verify-only."));
              return code;
            }
          show_guided_steps (tty, guided, profile, device);
          if (generated != NULL)
            show_on_tty (tty, secret);
          tty_write (tty, "\n");
          tty_write (tty, _("Press Enter when you have set it: the assistant then checks it."));
          tty_write (tty, "\n");
          if (!tty_wait_enter (tty))
            return code;
        }
      iot_password_guided_verify_async (guided, secret, NULL, applied_cb, wait);
    }
  else if (verify_only)
    {
      g_printerr ("iotsetup set-password: %s\n",
                  _("--verify-only is for devices whose password is set by guided steps."));
      return code;
    }
  else
    iot_password_apply_run_async (apply, secret, NULL, NULL, NULL, applied_cb, wait);
  g_main_loop_run (wait->loop);
  if (wait->report == NULL)
    {
      g_printerr ("iotsetup: %s\n", wait->error->message);
      g_clear_error (&wait->error);
      return code;
    }
  /* The person needs the password whatever happened: it may be set. */
  if (tty >= 0 && wait->report->outcome != IOT_APPLY_NOT_SET && guided == NULL)
    show_on_tty (tty, secret);
  print_result (device->id, profile, wait->report, json, generated != NULL);
  code = wait->report->outcome == IOT_APPLY_VERIFIED ? IOT_EXIT_OK : IOT_EXIT_CHECK_FAIL;
  g_clear_pointer (&wait->report, iot_apply_report_free);
  return code;
}

/**
 * iot_cli_set_password:
 * @config: (transfer full)
 */
int
iot_cli_set_password (IotConfig *config, int argc, char **argv)
{
  double timeout = config->scan_timeout;
  gboolean json = FALSE, generate = FALSE, from_stdin = FALSE, verify_only = FALSE;
  const GOptionEntry entries[] = {
    { "generate", 'g', 0, G_OPTION_ARG_NONE, &generate,
      N_ ("Make a strong password and show it on this terminal only"), NULL },
    { "from-stdin", 's', 0, G_OPTION_ARG_NONE, &from_stdin,
      N_ ("Read the password from standard input (one line)"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout,
      N_ ("Give up the scan after SECONDS (default from the configuration)"), N_ ("SECONDS") },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON (schema iotsetup.set-password/1)"), NULL },
    { "verify-only", 0, 0, G_OPTION_ARG_NONE, &verify_only,
      N_ ("Only check a password already set by the guided steps (with --from-stdin)"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("DEVICE"));
  g_set_prgname ("iotsetup set-password");
  g_option_context_set_summary (
      ctx, _("Set a new password on a device and verify it: the old one must be refused and the "
             "new one accepted. The password is never taken from the command line."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2 || generate == from_stdin
      || (verify_only && !from_stdin) || !(timeout > 0 && timeout <= 3600))
    {
      g_printerr ("iotsetup set-password: %s\n", error ? error->message : _("invalid arguments; see --help"));
      iot_config_free (config);
      return IOT_EXIT_ERROR;
    }

  /* The terminal first: without one, a generated password has nowhere to go. */
  int tty = -1;
  g_autoptr (IotSecret) secret = NULL;
  if (generate)
    {
      tty = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
      if (tty < 0)
        {
          g_printerr ("iotsetup set-password: %s\n",
                      _("there is no terminal to show a generated password on, and it is never "
                        "written to standard output or a file. Run it in a terminal, or use "
                        "--from-stdin."));
          iot_config_free (config);
          return IOT_EXIT_ERROR;
        }
    }
  else
    {
      secret = read_stdin_secret ();
      if (secret == NULL || iot_secret_is_empty (secret))
        {
          g_printerr ("iotsetup set-password: %s\n", _("no password on standard input, or it is too long"));
          iot_config_free (config);
          return IOT_EXIT_ERROR;
        }
    }

  const char *what = argv[1];
  g_autofree char *profiles_dir = iot_profiles_default_dir ();
  g_autoptr (IotProfiles) profiles = iot_profiles_load_dir (profiles_dir, &error);
  if (profiles == NULL)
    {
      g_printerr ("iotsetup: %s\n", error->message);
      if (tty >= 0)
        close (tty);
      iot_config_free (config);
      return IOT_EXIT_ERROR;
    }
  Wait wait = { g_main_loop_new (NULL, FALSE), -1 };
  g_autoptr (IotSession) session = iot_cli_discover (config, wait.loop, timeout);
  int code = IOT_EXIT_ERROR;
  if (session != NULL)
    code = apply_to_device (session, profiles, what, secret, tty, json, verify_only, &wait);
  if (tty >= 0)
    close (tty);
  if (wait.tty >= 0)
    close (wait.tty);
  g_main_loop_unref (wait.loop);
  return code;
}
