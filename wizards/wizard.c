/* SPDX-License-Identifier: GPL-3.0-or-later
 * Wizard runner. Knows nothing of the terminal: it moves between steps on
 * their results and tells its owner when the screen should be redrawn, so
 * unit tests can drive it with synthetic actions.
 */
#include "config.h"

#include "wizard.h"

#include <string.h>

struct _IotWizard
{
  const IotStepClass *const *steps; /* NULL-terminated */
  gpointer context;
  GArray *history; /* guint indices of the steps below the current one */
  guint current;
  gpointer data;
  gboolean started, finished, waiting;
  const char *next_id;
  const char *back_id;
  IotWizardChangedFunc changed;
  gpointer changed_data;
};

IotWizard *
iot_wizard_new (const IotStepClass *const *steps, gpointer context)
{
  g_return_val_if_fail (steps != NULL && steps[0] != NULL, NULL);
  IotWizard *w = g_new0 (IotWizard, 1);
  w->steps = steps;
  w->context = context;
  w->history = g_array_new (FALSE, FALSE, sizeof (guint));
  return w;
}

static void
leave_current (IotWizard *w)
{
  w->next_id = NULL; /* a named jump belongs to the step that named it */
  w->back_id = NULL;
  if (!w->started || w->finished)
    return;
  const IotStepClass *s = w->steps[w->current];
  if (s->leave)
    s->leave (w, w->data);
  w->data = NULL;
}

void
iot_wizard_free (IotWizard *w)
{
  if (w == NULL)
    return;
  leave_current (w);
  g_array_unref (w->history);
  g_free (w);
}

void
iot_wizard_set_changed_func (IotWizard *w, IotWizardChangedFunc func, gpointer user_data)
{
  w->changed = func;
  w->changed_data = user_data;
}

/* Asks the owner to redraw. Steps call it when their model changed. */
void
iot_wizard_changed (IotWizard *w)
{
  if (w->changed)
    w->changed (w, w->changed_data);
}

static void
enter (IotWizard *w, guint index)
{
  w->current = index;
  w->waiting = FALSE;
  const IotStepClass *s = w->steps[index];
  w->data = s->enter ? s->enter (w) : NULL;
  iot_wizard_changed (w);
}

void
iot_wizard_start (IotWizard *w)
{
  g_return_if_fail (!w->started);
  w->started = TRUE;
  enter (w, 0);
}

static guint
step_index (IotWizard *w, const char *id)
{
  for (guint i = 0; w->steps[i]; i++)
    if (strcmp (w->steps[i]->id, id) == 0)
      return i;
  g_return_val_if_reached (0);
}

/* TRUE when this wizard has the step @step_id (wizards share step classes,
 * and a step may offer a way on only where it leads somewhere). */
gboolean
iot_wizard_has_step (IotWizard *w, const char *step_id)
{
  for (guint i = 0; w->steps[i]; i++)
    if (strcmp (w->steps[i]->id, step_id) == 0)
      return TRUE;
  return FALSE;
}

/* Names the step that IOT_STEP_NEXT goes to (default: the following one). */
void
iot_wizard_set_next (IotWizard *w, const char *step_id)
{
  w->next_id = step_id;
}

/* Makes the next IOT_STEP_BACK return to the latest @step_id in the
 * history rather than to the step before, so a flow of several steps (the
 * password wizard) is left in one go. */
void
iot_wizard_set_back (IotWizard *w, const char *step_id)
{
  w->back_id = step_id;
}

static void
apply_result (IotWizard *w, IotStepResult result)
{
  switch (result)
    {
    case IOT_STEP_STAY:
      iot_wizard_changed (w);
      break;
    case IOT_STEP_WAIT:
      w->waiting = TRUE;
      iot_wizard_changed (w);
      break;
    case IOT_STEP_NEXT:
      {
        guint next = w->next_id ? step_index (w, w->next_id) : w->current + 1;
        w->next_id = NULL;
        leave_current (w);
        if (w->steps[next] == NULL)
          {
            w->finished = TRUE;
            iot_wizard_changed (w);
            break;
          }
        g_array_append_val (w->history, w->current);
        enter (w, next);
        break;
      }
    case IOT_STEP_BACK:
      if (w->history->len == 0)
        break; /* nowhere to go back to: the first step decides */
      {
        guint keep = w->history->len - 1;
        if (w->back_id)
          for (guint i = w->history->len; i-- > 0;)
            if (strcmp (w->steps[g_array_index (w->history, guint, i)]->id, w->back_id) == 0)
              {
                keep = i;
                break;
              }
        leave_current (w);
        guint prev = g_array_index (w->history, guint, keep);
        g_array_set_size (w->history, keep);
        enter (w, prev);
      }
      break;
    case IOT_STEP_QUIT:
      leave_current (w);
      w->finished = TRUE;
      iot_wizard_changed (w);
      break;
    }
}

/* Hands @action to the current step. */
IotStepResult
iot_wizard_action (IotWizard *w, IotAction action)
{
  g_return_val_if_fail (w->started, IOT_STEP_STAY);
  if (w->finished)
    return IOT_STEP_QUIT;
  const IotStepClass *s = w->steps[w->current];
  IotStepResult r = IOT_STEP_STAY;
  /* A step without its own handler only goes back or quits. */
  if (s->action)
    r = s->action (w, w->data, action);
  else if (action == IOT_ACTION_BACK)
    r = IOT_STEP_BACK;
  else if (action == IOT_ACTION_QUIT)
    r = IOT_STEP_QUIT;
  apply_result (w, r);
  return r;
}

/* Hands a typed character to the current step, if it takes text now.
 * Returns: TRUE when the step took it. */
gboolean
iot_wizard_text (IotWizard *w, gunichar c)
{
  g_return_val_if_fail (w->started, FALSE);
  if (w->finished || w->waiting)
    return FALSE;
  const IotStepClass *s = w->steps[w->current];
  if (s->text == NULL || !s->text (w, w->data, c))
    return FALSE;
  iot_wizard_changed (w);
  return TRUE;
}

/* Resumes a step that returned WAIT, with the result of its async work. */
void
iot_wizard_continue (IotWizard *w, IotStepResult result)
{
  if (w->finished)
    return;
  w->waiting = FALSE;
  apply_result (w, result);
}

gboolean
iot_wizard_is_finished (IotWizard *w)
{
  return w->finished;
}

const IotStepClass *
iot_wizard_get_step (IotWizard *w)
{
  return w->finished ? NULL : w->steps[w->current];
}

gpointer
iot_wizard_get_step_data (IotWizard *w)
{
  return w->data;
}

const IotAction *
iot_wizard_get_bar (IotWizard *w)
{
  const IotStepClass *step = iot_wizard_get_step (w);
  if (step == NULL)
    return NULL;
  return step->get_bar != NULL ? step->get_bar (w, w->data) : step->bar;
}

gpointer
iot_wizard_get_context (IotWizard *w)
{
  return w->context;
}

guint
iot_wizard_get_depth (IotWizard *w)
{
  return w->history->len;
}
