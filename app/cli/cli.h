/* SPDX-License-Identifier: GPL-3.0-or-later
 * Headless commands: the same core as the TUI, no curses. Each returns the
 * process exit code.
 */
#pragma once

#include "app/core/iot-config.h"
#include "app/core/iot-session.h"

/* Exit codes shared by the commands. */
enum
{
  IOT_EXIT_OK = 0,
  IOT_EXIT_NONE_FOUND = 1,
  IOT_EXIT_ERROR = 2,
  IOT_EXIT_CHECK_WARN = 3, /* `check`: the worst result is WARN */
  IOT_EXIT_CHECK_FAIL = 4, /* `check`: a FAIL */
};

int iot_cli_scan (IotConfig *config, int argc, char **argv);
int iot_cli_qr (IotConfig *config, int argc, char **argv);
int iot_cli_check (IotConfig *config, int argc, char **argv);
int iot_cli_qr_print (IotConfig *config, const char *prog, const char *text, gboolean ascii);
int iot_cli_network (IotConfig *config, int argc, char **argv);
int iot_cli_set_password (IotConfig *config, int argc, char **argv);

/* cli-discover.c: the scan the commands begin with, and the named device. */
IotSession *iot_cli_discover (IotConfig *config, GMainLoop *loop, double timeout);
IotDevice *iot_cli_lookup (IotSession *session, const char *what);
