/* SPDX-License-Identifier: GPL-3.0-or-later
 * One table binds keys to actions. The first binding of an action is the one
 * the function bar shows; the help screen lists them all.
 */
#include "config.h"

#include "ui-keys.h"

#include <curses.h>
#include <glib/gi18n.h>

typedef struct
{
  int key;
  gboolean function_key; /* a KEY_* code rather than a character */
  const char *label;     /* untranslated; key names are marked N_() */
  IotAction action;
} Binding;

#define CTRL(c) ((c) & 0x1f)

static const Binding bindings[] = {
  { KEY_UP, TRUE, N_ ("Up"), IOT_ACTION_UP },
  { 'k', FALSE, "k", IOT_ACTION_UP },
  { KEY_DOWN, TRUE, N_ ("Down"), IOT_ACTION_DOWN },
  { 'j', FALSE, "j", IOT_ACTION_DOWN },
  { KEY_PPAGE, TRUE, N_ ("PgUp"), IOT_ACTION_PAGE_UP },
  { KEY_NPAGE, TRUE, N_ ("PgDn"), IOT_ACTION_PAGE_DOWN },
  { KEY_HOME, TRUE, N_ ("Home"), IOT_ACTION_HOME },
  { 'g', FALSE, "g", IOT_ACTION_HOME },
  { KEY_END, TRUE, N_ ("End"), IOT_ACTION_END },
  { 'G', FALSE, "G", IOT_ACTION_END },
  { '\n', FALSE, N_ ("Enter"), IOT_ACTION_OPEN },
  { '\r', FALSE, N_ ("Enter"), IOT_ACTION_OPEN },
  { KEY_ENTER, TRUE, N_ ("Enter"), IOT_ACTION_OPEN },
  { KEY_RIGHT, TRUE, N_ ("Right"), IOT_ACTION_OPEN },
  /* "c" for code: "q" quits, and "r" is kept for a future rescan. */
  { 'c', FALSE, "c", IOT_ACTION_QR_CODE },
  { 'w', FALSE, "w", IOT_ACTION_WIFI_QR },
  /* "h" for home: leaves a device's hotspot for the network this computer was on. */
  { 'h', FALSE, "h", IOT_ACTION_RETURN },
  { 'p', FALSE, "p", IOT_ACTION_PASSWORD },
  /* "v" for verdict: "g" already moves to the top, as in less and vi. */
  { 'v', FALSE, "v", IOT_ACTION_GUIDELINES },
  /* The answers on the guideline card; keys stay Latin in every language,
   * the bar shows what they mean. */
  { 'y', FALSE, "y", IOT_ACTION_ANSWER_YES },
  { 'n', FALSE, "n", IOT_ACTION_ANSWER_NO },
  { 'd', FALSE, "d", IOT_ACTION_ANSWER_DONT_KNOW },
  /* The setup wizard: n for the next step (or "no"), d to delete data
   * (x is the kiosk's export), s to save the report. */
  { 'n', FALSE, "n", IOT_ACTION_NEXT_STEP },
  { 'd', FALSE, "d", IOT_ACTION_ERASE },
  { 's', FALSE, "s", IOT_ACTION_SAVE },
  /* A function key, so it works while a password is being typed. */
  { KEY_F (3), TRUE, "F3", IOT_ACTION_REVEAL },
  { '\t', FALSE, N_ ("Tab"), IOT_ACTION_REVEAL },
  { 27, FALSE, N_ ("Esc"), IOT_ACTION_BACK },
  { KEY_LEFT, TRUE, N_ ("Left"), IOT_ACTION_BACK },
  { KEY_BACKSPACE, TRUE, N_ ("Backspace"), IOT_ACTION_BACK },
  { 127, FALSE, N_ ("Backspace"), IOT_ACTION_BACK },
  { KEY_F (1), TRUE, "F1", IOT_ACTION_HELP },
  { '?', FALSE, "?", IOT_ACTION_HELP },
  /* F2 first, for the function bar: a function key means the same in every
   * script, while "L" stands for a word only in some languages. */
  { KEY_F (2), TRUE, "F2", IOT_ACTION_LANGUAGE },
  { 'L', FALSE, "L", IOT_ACTION_LANGUAGE },
  { CTRL ('l'), FALSE, "Ctrl-L", IOT_ACTION_REDRAW },
  { 'q', FALSE, "q", IOT_ACTION_QUIT },
  { KEY_F (10), TRUE, "F10", IOT_ACTION_QUIT },
  /* Kiosk mode: F10 opens the staff PIN prompt instead of quitting, and
   * F9 ends the customer's session with a receipt. */
  { KEY_F (9), TRUE, "F9", IOT_ACTION_FINISH },
  { KEY_F (10), TRUE, "F10", IOT_ACTION_STAFF },
  { 'x', FALSE, "x", IOT_ACTION_EXPORT },
};

static gboolean kiosk;

/* In kiosk mode no key quits (Quit belongs to staff, behind the PIN), none
 * shows the shop's own Wi-Fi key, and none saves a report into a home
 * directory (the kiosk writes only into its spool). */
void
ui_keys_set_kiosk (gboolean on)
{
  kiosk = on;
}

static gboolean
bound_here (IotAction action)
{
  if (kiosk)
    return action != IOT_ACTION_QUIT && action != IOT_ACTION_WIFI_QR && action != IOT_ACTION_SAVE;
  return action != IOT_ACTION_FINISH && action != IOT_ACTION_STAFF;
}

IotAction
ui_keys_lookup (int key, gboolean is_function_key, const IotAction *bar)
{
  IotAction first = IOT_ACTION_NONE;
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    if (bindings[i].key == key && bindings[i].function_key == is_function_key &&
        bound_here (bindings[i].action))
      {
        /* A key may mean different things on different screens (n: "no" on
         * the guideline card, "next step" in the setup wizard): the action
         * the current screen offers in its bar wins. */
        for (const IotAction *a = bar; a != NULL && *a != IOT_ACTION_NONE; a++)
          if (*a == bindings[i].action)
            return *a;
        if (first == IOT_ACTION_NONE)
          first = bindings[i].action;
      }
  return first;
}

/* Returns: the translated label of the first key bound to @action. */
const char *
ui_keys_label (IotAction action)
{
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    if (bindings[i].action == action && bound_here (action))
      return _(bindings[i].label);
  return "";
}

/* Returns: (transfer full): every key bound to @action, e.g. "Up, k". */
char *
ui_keys_all_labels (IotAction action)
{
  GString *s = g_string_new (NULL);
  const char *last = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    {
      if (bindings[i].action != action || !bound_here (action) ||
          g_strcmp0 (last, bindings[i].label) == 0)
        continue;
      if (s->len)
        g_string_append (s, ", ");
      g_string_append (s, _(bindings[i].label));
      last = bindings[i].label;
    }
  return g_string_free (s, FALSE);
}
