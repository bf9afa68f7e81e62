/* SPDX-License-Identifier: GPL-3.0-or-later
 * iotsetup: argument parsing and dispatch. With no command it starts the
 * interactive assistant; commands (scan, network, qr, …) run headless on the
 * same core.
 */
#include "config.h"

#include "app/cli/cli.h"
#include "app/core/iot-secret.h"
#include "app/ui/ui-app.h"
#include "wizards/steps.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

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

int
main (int argc, char **argv)
{
  setup_i18n ();
  /* Every way out of main() and exit() clears any secret still held (the
   * TUI and the commands free theirs; this is the net under them). */
  if (atexit (iot_secret_wipe_all) != 0)
    g_debug ("cannot register the exit handler that wipes secrets");

  g_autofree char *config_path = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
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

  g_autoptr (IotConfig) config = iot_config_new ();
  if (!iot_config_load (config, config_path, &error))
    {
      g_printerr ("iotsetup: %s\n", error->message);
      return IOT_EXIT_ERROR;
    }

  if (argc < 2)
    return ui_app_run (g_steal_pointer (&config), iot_wizard_main);
  if (strcmp (argv[1], "scan") == 0)
    return iot_cli_scan (g_steal_pointer (&config), argc - 1, argv + 1);
  if (strcmp (argv[1], "qr") == 0)
    return iot_cli_qr (g_steal_pointer (&config), argc - 1, argv + 1);
  if (strcmp (argv[1], "check") == 0)
    return iot_cli_check (g_steal_pointer (&config), argc - 1, argv + 1);
  if (strcmp (argv[1], "set-password") == 0)
    return iot_cli_set_password (g_steal_pointer (&config), argc - 1, argv + 1);
  if (strcmp (argv[1], "network") == 0)
    return iot_cli_network (g_steal_pointer (&config), argc - 1, argv + 1);

  g_printerr (_("iotsetup: unknown command “%s”. Run “iotsetup --help”.\n"), argv[1]);
  return IOT_EXIT_ERROR;
}
