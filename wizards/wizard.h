/* SPDX-License-Identifier: GPL-3.0-or-later
 * The wizard runner: a UI-free state machine over steps. Each step is a const
 * class (one file per step) with enter / action / async result / leave hooks
 * and a draw hook that the TUI calls. Steps answer with NEXT, BACK, STAY,
 * WAIT or QUIT; a step that started async work returns WAIT and its
 * completion calls iot_wizard_continue(). A history stack gives Back.
 */
#pragma once

#include <glib.h>

#include "app/core/iot-action.h"

typedef enum
{
  IOT_STEP_STAY,
  IOT_STEP_NEXT, /* go to the step named by iot_wizard_set_next(), or the following one */
  IOT_STEP_BACK,
  IOT_STEP_WAIT, /* async work under way; iot_wizard_continue() resumes */
  IOT_STEP_QUIT,
} IotStepResult;

/* What iot_wizard_text() is given for the key that deletes backwards. */
#define IOT_TEXT_BACKSPACE ((gunichar) 0x08)

typedef struct _IotWizard IotWizard;
typedef struct _IotStepClass IotStepClass;
typedef struct _IotUi IotUi;

struct _IotStepClass
{
  const char *id;
  const char *title; /* N_() */
  const IotAction *bar; /* actions shown in the function bar, IOT_ACTION_NONE-terminated */
  gpointer (*enter) (IotWizard *wizard);          /* returns the step's private data */
  /* optional: without it, Back goes back and Quit quits */
  IotStepResult (*action) (IotWizard *wizard, gpointer data, IotAction action);
  void (*draw) (IotWizard *wizard, gpointer data, IotUi *ui);
  void (*leave) (IotWizard *wizard, gpointer data); /* cancel async work, free data */
  /* optional: a typed character, or IOT_TEXT_BACKSPACE. Returns FALSE when
   * the step is not taking text now, and the key is looked up as an action
   * instead. Characters for a password go straight into an IotSecret. */
  gboolean (*text) (IotWizard *wizard, gpointer data, gunichar c);
  /* optional: the bar for what the step shows now, when that differs
   * from @bar (a key is offered only where it does something). */
  const IotAction *(*get_bar) (IotWizard *wizard, gpointer data);
};

typedef void (*IotWizardChangedFunc) (IotWizard *wizard, gpointer user_data);

IotWizard *iot_wizard_new (const IotStepClass *const *steps, gpointer context);
void iot_wizard_free (IotWizard *wizard);
void iot_wizard_set_changed_func (IotWizard *wizard, IotWizardChangedFunc func, gpointer user_data);
void iot_wizard_start (IotWizard *wizard);
IotStepResult iot_wizard_action (IotWizard *wizard, IotAction action);
gboolean iot_wizard_text (IotWizard *wizard, gunichar c);
void iot_wizard_continue (IotWizard *wizard, IotStepResult result);
gboolean iot_wizard_has_step (IotWizard *wizard, const char *step_id);
void iot_wizard_set_next (IotWizard *wizard, const char *step_id);
void iot_wizard_set_back (IotWizard *wizard, const char *step_id);
void iot_wizard_changed (IotWizard *wizard);
gboolean iot_wizard_is_finished (IotWizard *wizard);
const IotStepClass *iot_wizard_get_step (IotWizard *wizard);
gpointer iot_wizard_get_step_data (IotWizard *wizard);
/* The current step's function bar (its get_bar, else its bar), or NULL. */
const IotAction *iot_wizard_get_bar (IotWizard *wizard);
gpointer iot_wizard_get_context (IotWizard *wizard);
guint iot_wizard_get_depth (IotWizard *wizard);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotWizard, iot_wizard_free)
