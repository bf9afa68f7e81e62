/* SPDX-License-Identifier: GPL-3.0-or-later
 * Names and descriptions of the user actions, from the one X-macro list.
 */
#include "config.h"

#include "iot-action.h"

#include <glib/gi18n.h>

static const struct
{
  const char *name;
  const char *description;
} actions[] = {
#define IOT_ACTION_ROW(id, name, desc) { name, desc },
  IOT_ACTIONS (IOT_ACTION_ROW)
#undef IOT_ACTION_ROW
};

const char *
iot_action_get_name (IotAction action)
{
  g_return_val_if_fail (action < IOT_N_ACTIONS, NULL);
  return actions[action].name;
}

/* Returns: the translated description, or NULL. */
const char *
iot_action_get_description (IotAction action)
{
  g_return_val_if_fail (action < IOT_N_ACTIONS, NULL);
  return actions[action].description ? _(actions[action].description) : NULL;
}
