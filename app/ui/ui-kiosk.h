/* SPDX-License-Identifier: GPL-3.0-or-later
 * The kiosk's face in the terminal (iotsetup --kiosk): the staff PIN prompt
 * and menu, the customer's function bar, the idle countdown, the end of a
 * session (Finish with a receipt, or idle) and what it clears. The
 * application (ui-app.c) owns the loop, the terminal and the wizard; it
 * hands keys and actions here first and draws what this module asks for.
 */
#pragma once

#include "app/core/iot-session.h"
#include "ui.h"
#include "wizards/wizard.h"

#include <wchar.h>

typedef struct _UiKiosk UiKiosk;

/* What the kiosk needs from the application that runs it. */
typedef struct
{
  void (*redraw) (gpointer data);   /* schedule one redraw */
  void (*restart) (gpointer data);  /* a fresh wizard at its first step, the screen cleared */
  void (*quit) (gpointer data);     /* staff leave the kiosk */
  IotWizard *(*wizard) (gpointer data); /* the wizard running now */
} UiKioskHost;

UiKiosk *ui_kiosk_new (IotSession *session, const IotStepClass *const *steps,
                       const UiKioskHost *host, gpointer data);
void ui_kiosk_free (UiKiosk *kiosk);
gboolean ui_kiosk_key (UiKiosk *kiosk, int r, wint_t ch);
void ui_kiosk_action (UiKiosk *kiosk, IotAction action);
gboolean ui_kiosk_is_drawing (UiKiosk *kiosk);
void ui_kiosk_draw (UiKiosk *kiosk, IotUi *ui);
const IotAction *ui_kiosk_bar (UiKiosk *kiosk, const IotStepClass *step, const IotAction *own);
void ui_kiosk_draw_status (UiKiosk *kiosk, IotUi *ui);
