/* SPDX-License-Identifier: GPL-3.0-or-later
 * The named user actions. Keys bind to actions (app/ui/ui-keys.c); wizard
 * steps receive actions, never raw key codes. The help screen, the function
 * bar and scripted tests all come from this one list.
 */
#pragma once

#include <glib.h>

/* X (ID, name for scripts, description for people) */
#define IOT_ACTIONS(X)                                                                    \
  X (NONE, "none", NULL)                                                                  \
  X (UP, "up", N_ ("Move up"))                                                            \
  X (DOWN, "down", N_ ("Move down"))                                                      \
  X (PAGE_UP, "page-up", N_ ("Page up"))                                                  \
  X (PAGE_DOWN, "page-down", N_ ("Page down"))                                            \
  X (HOME, "home", N_ ("First item"))                                                     \
  X (END, "end", N_ ("Last item"))                                                        \
  X (OPEN, "open", N_ ("Details"))                                                        \
  X (QR_CODE, "qr-code", N_ ("QR code"))                                                  \
  X (WIFI_QR, "wifi-qr", N_ ("Wi-Fi QR code"))                                            \
  X (RETURN, "return", N_ ("Back to my network"))                                         \
  X (PASSWORD, "password", N_ ("Set password"))                                           \
  X (GUIDELINES, "guidelines", N_ ("Check guidelines"))                                   \
  X (ANSWER_YES, "answer-yes", N_ ("Yes"))                                                \
  X (ANSWER_NO, "answer-no", N_ ("No"))                                                   \
  X (ANSWER_DONT_KNOW, "answer-dont-know", N_ ("Don't know"))                             \
  X (NEXT_STEP, "next-step", N_ ("Next step"))                                            \
  X (ERASE, "erase", N_ ("Delete data now"))                                              \
  X (SAVE, "save", N_ ("Save report"))                                                    \
  X (REVEAL, "reveal", N_ ("Show or hide"))                                               \
  X (BACK, "back", N_ ("Back"))                                                           \
  X (LANGUAGE, "language", N_ ("Language"))                                               \
  X (HELP, "help", N_ ("Help"))                                                           \
  X (REDRAW, "redraw", N_ ("Redraw the screen"))                                          \
  X (QUIT, "quit", N_ ("Quit"))                                                          \
  X (FINISH, "finish", N_ ("Finish"))                                                     \
  X (STAFF, "staff", N_ ("Staff"))                                                        \
  X (EXPORT, "export", N_ ("Export report"))

typedef enum
{
#define IOT_ACTION_ENUM(id, name, desc) IOT_ACTION_##id,
  IOT_ACTIONS (IOT_ACTION_ENUM)
#undef IOT_ACTION_ENUM
  IOT_N_ACTIONS
} IotAction;

const char *iot_action_get_name (IotAction action);
const char *iot_action_get_description (IotAction action);
