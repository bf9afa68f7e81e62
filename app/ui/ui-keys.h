/* SPDX-License-Identifier: GPL-3.0-or-later
 * The key map: curses key codes to named actions, and the key labels shown
 * in the function bar and the help screen.
 */
#pragma once

#include "app/core/iot-action.h"

/* The action of @key; when several are bound to it, the one in @bar (the
 * current screen's, IOT_ACTION_NONE-terminated, or NULL) wins. */
IotAction ui_keys_lookup (int key, gboolean is_function_key, const IotAction *bar);
const char *ui_keys_label (IotAction action);
char *ui_keys_all_labels (IotAction action);
void ui_keys_set_kiosk (gboolean on);
