/* SPDX-License-Identifier: GPL-3.0-or-later
 * The step classes, one per file, and the wizards made of them.
 */
#pragma once

#include "wizard.h"

#include "app/core/drivers/iot-driver.h"
#include "app/core/iot-session.h"
#include "app/core/iot-setup-record.h"

extern const IotStepClass iot_step_devices;
extern const IotStepClass iot_step_device_detail;
extern const IotStepClass iot_step_show_qr;
extern const IotStepClass iot_step_wifi_qr;
extern const IotStepClass iot_step_join;
extern const IotStepClass iot_step_language;
extern const IotStepClass iot_step_password_choose;
extern const IotStepClass iot_step_password_apply;
extern const IotStepClass iot_step_password_handover;
extern const IotStepClass iot_step_guideline_card;
extern const IotStepClass iot_step_update;
extern const IotStepClass iot_step_personal_data;
extern const IotStepClass iot_step_summary;
extern const IotStepClass iot_step_staff_assess;

/* The interactive assistant: the live device list, then a device, and its
 * settings page as a QR code; the language picker, opened from the list. */
extern const IotStepClass *const iot_wizard_main[];

/* The in-store kiosk: the welcome with the language picker, the device list
 * and a device with its setup wizard; staff assess a device behind the PIN. */
extern const IotStepClass *const iot_wizard_kiosk[];

/* step-link.c: the driver connection of the update and personal-data
 * steps, which outlives the step while an operation is under way. */
typedef struct
{
  gpointer step; /* NULL once the step has gone */
  IotHttp *http;
  IotDriverDevice *dev;
  gboolean busy;
} IotStepLink;

IotStepLink *iot_step_link_new (gpointer step, IotSession *session, const IotSetupTarget *target,
                                const IotDriver *driver);
gpointer iot_step_link_done (IotStepLink *link);
void iot_step_link_release (IotStepLink *link);
