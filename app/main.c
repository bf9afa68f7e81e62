/* SPDX-License-Identifier: GPL-3.0-or-later
 * iotsetup: argument parsing and dispatch. With no command it starts the
 * interactive assistant; commands (scan, network, qr, …) run headless on the
 * same core.
 */
#include "config.h"

#include "app/cli/cli.h"
#include "app/core/iot-kiosk.h"
#include "app/core/iot-secret.h"
#include "app/ui/ui-app.h"
#include "wizards/steps.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static void
setup_i18n (void)
{
  /* A locale that is not installed leaves "C": English, and ASCII where
   * UTF-8 would be drawn. Nothing more to do about it here. */
  (void) setlocale (LC_ALL, "");
  const char *dir = g_getenv ("IOTSETUP_LOCALEDIR"); /* uninstalled runs and tests */
  bindtextdomain (GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static const char *
commands_description (void)
{
  return _("Commands:\n"
           "  (none)      start the interactive assistant\n"
           "  scan        find devices and list them (--json for scripts)\n"
           "  check DEVICE  check a device against the 13 guidelines (--json, --report)\n"
           "  network     show the network this computer is on and its security\n"
           "  qr TEXT     show TEXT as a QR code (--svg, --png: save it)\n"
           "\n"
           "Run “iotsetup COMMAND --help” for a command's options.");
}

/* Reads one line from stdin into @out (without the newline), with echo off
 * on a terminal. Returns FALSE at end of input or when it is too long. */
static gboolean
read_pin_line (const char *prompt, IotSecret *out)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  gboolean ok = FALSE, too_long = FALSE;
  char c;
  ssize_t n;
  /* Byte by byte, straight into the secret: no stdio buffer keeps a copy. */
  while ((n = read (STDIN_FILENO, &c, 1)) == 1)
    {
      if (c == '\n')
        {
          ok = TRUE;
          break;
        }
      if (c != '\r' && !iot_secret_append (out, &c, 1))
        too_long = TRUE;
    }
  c = 0;
  if (n == 0 && !iot_secret_is_empty (out))
    ok = TRUE; /* the last line without a newline */
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  return ok && !too_long;
}

/* iotsetup --hash-pin: the PIN from the terminal (asked twice) or stdin,
 * never from argv; prints the hash for kiosk.pin_hash. */
static int
hash_pin (void)
{
  g_autoptr (IotSecret) pin = iot_secret_new ();
  g_autoptr (IotSecret) again = iot_secret_new ();
  g_autoptr (GError) error = NULL;
  if (!read_pin_line (_("Staff PIN: "), pin) ||
      (isatty (STDIN_FILENO) && (!read_pin_line (_("The same PIN again: "), again) ||
                                 !iot_secret_equal (pin, again))))
    {
      g_printerr (_("iotsetup: the PINs differ or none was given.\n"));
      return IOT_EXIT_ERROR;
    }
  g_autofree char *hash = iot_kiosk_pin_hash (iot_secret_get (pin), &error);
  if (hash == NULL)
    {
      g_printerr ("iotsetup: %s\n", error->message);
      return IOT_EXIT_ERROR;
    }
  g_print ("%s\n", hash);
  return IOT_EXIT_OK;
}

int
main (int argc, char **argv)
{
  setup_i18n ();
  /* Every way out of main() and exit() clears any secret still held (the
   * TUI and the commands free theirs; this is the net under them). */
  if (atexit (iot_secret_wipe_all) != 0)
    g_debug ("cannot register the exit handler that wipes secrets");

  g_autofree char *config_path = NULL;
  gboolean version = FALSE, kiosk = FALSE, want_hash_pin = FALSE;
  const GOptionEntry entries[] = {
    { "kiosk", 0, 0, G_OPTION_ARG_NONE, &kiosk,
      N_ ("Run as a locked-down in-store setup kiosk"), NULL },
    { "hash-pin", 0, 0, G_OPTION_ARG_NONE, &want_hash_pin,
      N_ ("Read a staff PIN and print its hash for kiosk.pin_hash"), NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      N_ ("Read settings from FILE instead of the system and user files"), N_ ("FILE") },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, N_ ("Show the version"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("[COMMAND [OPTIONS…]]"));
  g_option_context_set_summary (ctx, _("Set up a new smart device securely, following the UK "
                                       "Code of Practice for Consumer IoT Security."));
  g_option_context_set_description (ctx, commands_description ());
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (ctx, TRUE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("iotsetup: %s\n", error->message);
      return IOT_EXIT_ERROR;
    }
  if (version)
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return IOT_EXIT_OK;
    }

  if (want_hash_pin)
    return hash_pin ();

  g_autoptr (IotConfig) config = iot_config_new ();
  if (!iot_config_load (config, config_path, &error))
    {
      g_printerr ("iotsetup: %s\n", error->message);
      return IOT_EXIT_ERROR;
    }

  if (kiosk || config->kiosk)
    {
      iot_config_force_kiosk (config);
      if (argc >= 2 || *config->kiosk_pin_hash == '\0')
        {
          g_printerr ("%s\n", argc >= 2 ? _("iotsetup: --kiosk takes no command.")
                                         : _("iotsetup: kiosk mode needs kiosk.pin_hash in the "
                                             "configuration; make one with “iotsetup --hash-pin”."));
          return IOT_EXIT_ERROR;
        }
      return ui_app_run (g_steal_pointer (&config), iot_wizard_kiosk);
    }
  if (argc < 2)
    return ui_app_run (g_steal_pointer (&config), iot_wizard_main);
  if (strcmp (argv[1], "scan") == 0)
    return iot_cli_scan (g_steal_pointer (&config), argc - 1, argv + 1);
  if (strcmp (argv[1], "qr") == 0)
    return iot_cli_qr (g_steal_pointer (&config), argc - 1, argv + 1);
  if (strcmp (argv[1], "check") == 0)
    return iot_cli_check (g_steal_pointer (&config), argc - 1, argv + 1);
  if (strcmp (argv[1], "network") == 0)
    return iot_cli_network (g_steal_pointer (&config), argc - 1, argv + 1);

  g_printerr (_("iotsetup: unknown command “%s”. Run “iotsetup --help”.\n"), argv[1]);
  return IOT_EXIT_ERROR;
}
