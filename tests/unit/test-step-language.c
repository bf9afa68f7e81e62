/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for the language picker step (wizards/step-language.c) driven
 * through the wizard runner with synthetic actions, no terminal: the cursor
 * starts on the language in use, choosing applies it, and the picker returns
 * to the step that opened it or, as a wizard's first step (the kiosk's
 * start), leads on to the next one.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-language.h"
#include "wizards/steps.h"

#include <locale.h>

/* A stand-in for the device list: OPEN opens the picker. */
static IotStepResult
other_action (IotWizard *w, gpointer data, IotAction action)
{
  if (action == IOT_ACTION_OPEN)
    {
      iot_wizard_set_next (w, "language");
      return IOT_STEP_NEXT;
    }
  return action == IOT_ACTION_QUIT ? IOT_STEP_QUIT : IOT_STEP_STAY;
}

static const IotAction no_bar[] = { IOT_ACTION_NONE };
static const IotStepClass other_step = { .id = "other", .title = "Other", .bar = no_bar,
                                         .action = other_action };

static const IotStepClass *const opened_from_other[] = { &other_step, &iot_step_language, NULL };
static const IotStepClass *const picker_first[] = { &iot_step_language, &other_step, NULL };

/* Starts from a program run with LANG=C; FALSE when this system has no
 * locale to switch with (the caller skips). */
static gboolean
reset (void)
{
  setlocale (LC_ALL, "C");
  g_unsetenv ("LANGUAGE");
  if (iot_language_apply ("de", NULL))
    {
      setlocale (LC_ALL, "C");
      g_unsetenv ("LANGUAGE");
      return TRUE;
    }
  g_test_skip ("no UTF-8 locale on this system");
  return FALSE;
}

static const char *
current (void)
{
  return iot_language_get_current ()->code;
}

static void
test_opened_from_a_step (void)
{
  if (!reset ())
    return;
  g_autoptr (IotWizard) w = iot_wizard_new (opened_from_other, NULL);
  iot_wizard_start (w);
  iot_wizard_action (w, IOT_ACTION_OPEN);
  g_assert_cmpstr (iot_wizard_get_step (w)->id, ==, "language");
  g_assert_cmpuint (iot_wizard_get_depth (w), ==, 1);

  /* English is in use, so the cursor is on it; one down is Deutsch. */
  iot_wizard_action (w, IOT_ACTION_DOWN);
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_OPEN), ==, IOT_STEP_BACK);
  g_assert_cmpstr (current (), ==, "de");
  g_assert_cmpstr (iot_wizard_get_step (w)->id, ==, "other");

  /* Opened again, the cursor is on Deutsch: choosing at once keeps it. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  iot_wizard_action (w, IOT_ACTION_OPEN);
  g_assert_cmpstr (current (), ==, "de");
  g_assert_cmpstr (iot_wizard_get_step (w)->id, ==, "other");

  /* The last one, Japanese. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  iot_wizard_action (w, IOT_ACTION_END);
  iot_wizard_action (w, IOT_ACTION_OPEN);
  g_assert_cmpstr (current (), ==, "ja");

  /* Back leaves the language as it was. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  iot_wizard_action (w, IOT_ACTION_HOME);
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_BACK), ==, IOT_STEP_BACK);
  g_assert_cmpstr (iot_wizard_get_step (w)->id, ==, "other");
  g_assert_cmpstr (current (), ==, "ja");

  /* Other actions stay, the list stays within bounds, and Quit quits. */
  iot_wizard_action (w, IOT_ACTION_OPEN);
  for (int i = 0; i < 20; i++)
    iot_wizard_action (w, IOT_ACTION_UP);
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_LANGUAGE), ==, IOT_STEP_STAY);
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_QR_CODE), ==, IOT_STEP_STAY);
  iot_wizard_action (w, IOT_ACTION_OPEN);
  g_assert_cmpstr (current (), ==, "en");
  iot_wizard_action (w, IOT_ACTION_OPEN);
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_QUIT), ==, IOT_STEP_QUIT);
  g_assert_true (iot_wizard_is_finished (w));
  reset ();
}

static void
test_first_step_leads_on (void)
{
  if (!reset ())
    return;
  g_autoptr (IotWizard) w = iot_wizard_new (picker_first, NULL);
  iot_wizard_start (w);
  g_assert_cmpstr (iot_wizard_get_step (w)->id, ==, "language");
  /* Nowhere to go back to: the picker stays. */
  iot_wizard_action (w, IOT_ACTION_BACK);
  g_assert_cmpstr (iot_wizard_get_step (w)->id, ==, "language");
  iot_wizard_action (w, IOT_ACTION_DOWN);
  iot_wizard_action (w, IOT_ACTION_DOWN);
  g_assert_cmpint (iot_wizard_action (w, IOT_ACTION_OPEN), ==, IOT_STEP_NEXT);
  g_assert_cmpstr (current (), ==, "fr");
  g_assert_cmpstr (iot_wizard_get_step (w)->id, ==, "other");
  g_assert_false (iot_wizard_is_finished (w));
  reset ();
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/step-language/opened-from-a-step", test_opened_from_a_step);
  g_test_add_func ("/step-language/first-step-leads-on", test_first_step_leads_on);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
