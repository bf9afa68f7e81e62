/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: the language picker. Every language is listed in its own name, so a
 * person finds theirs whatever the screen is in now; the one in use is
 * marked. Choosing applies at once: the next screen is drawn in the new
 * language, without a restart. Opened from another step it returns there;
 * as the first step of a wizard (the kiosk's start) it leads on to the next.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-language.h"
#include "app/core/iot-sanitize.h"
#include "app/core/iot-session.h"
#include "app/ui/ui-list.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>

typedef struct
{
  UiList list;
  int visible; /* list rows on screen at the last draw */
  char *error; /* why the last choice could not be applied */
} Picker;

static gpointer
language_enter (IotWizard *w)
{
  Picker *p = g_new0 (Picker, 1);
  guint n;
  const IotLanguage *all = iot_language_list (&n);
  ui_list_init (&p->list);
  p->list.selected = (int) (iot_language_get_current () - all);
  return p;
}

static void
language_leave (IotWizard *w, gpointer data)
{
  Picker *p = data;
  g_free (p->error);
  g_free (p);
}

static void
draw_row (IotUi *ui, int row, int index, gboolean selected, gpointer data)
{
  const IotLanguage *lang = &iot_language_list (NULL)[index];
  gboolean utf8 = ui_utf8 (ui);
  UiStyle style = selected ? UI_STYLE_SELECTED : UI_STYLE_NORMAL;
  if (lang == iot_language_get_current ())
    ui_text (ui, row, 2, 1, style, utf8 ? "✓" : "*");
  ui_text (ui, row, 4, ui_body_cols (ui) - 5, style, utf8 ? lang->native_name : lang->ascii_name);
}

static void
language_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Picker *p = data;
  guint n;
  iot_language_list (&n);
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);

  int top = 0;
  /* The kiosk's welcome: the shop's name and greeting above the picker. */
  IotSession *session = iot_wizard_get_context (w);
  if (session && session->config->kiosk && iot_wizard_get_depth (w) == 0)
    {
      g_autofree char *shop = iot_sanitize_text (session->config->kiosk_shop_name, -1, 200);
      g_autofree char *greeting = iot_sanitize_text (session->config->kiosk_greeting, -1, 200);
      g_autofree char *welcome = *shop ? g_strdup_printf (_("Welcome to %s"), shop)
                                       : g_strdup (_("Welcome"));
      top += ui_text_wrapped (ui, top, 1, cols - 2, 2, UI_STYLE_HEADER, welcome);
      if (*greeting)
        top += ui_text_wrapped (ui, top, 1, cols - 2, 3, UI_STYLE_NORMAL, greeting);
      top++;
    }
  top += ui_text_wrapped (ui, top, 1, cols - 2, 2, UI_STYLE_NORMAL,
                          _("Choose the language of the assistant:"));
  /* A blank line under the question when the whole list still fits. */
  if (rows - top - 1 >= (int) n)
    top++;
  p->visible = MAX (rows - top, 1);
  ui_list_draw (&p->list, ui, top, p->visible, n, draw_row, NULL);

  if (p->error)
    ui_set_status (ui, UI_STYLE_WARN, p->error);
  else
    ui_set_status (ui, UI_STYLE_NORMAL, _("Press Enter to use the selected language."));
}

static IotStepResult
language_action (IotWizard *w, gpointer data, IotAction action)
{
  Picker *p = data;
  guint n;
  const IotLanguage *all = iot_language_list (&n);

  if (ui_list_action (&p->list, n, p->visible, action))
    return IOT_STEP_STAY;
  switch (action)
    {
    case IOT_ACTION_OPEN:
      {
        g_autoptr (GError) error = NULL;
        g_clear_pointer (&p->error, g_free);
        if (p->list.selected < 0 || !iot_language_apply (all[p->list.selected].code, &error))
          {
            p->error = g_strdup (error ? error->message : "");
            return IOT_STEP_STAY;
          }
        return iot_wizard_get_depth (w) == 0 ? IOT_STEP_NEXT : IOT_STEP_BACK;
      }
    case IOT_ACTION_BACK:
      return IOT_STEP_BACK;
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
}

static const IotAction language_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_language = {
  .id = "language",
  .title = N_ ("Language"),
  .bar = language_bar,
  .enter = language_enter,
  .action = language_action,
  .draw = language_draw,
  .leave = language_leave,
};
