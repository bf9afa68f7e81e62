/* SPDX-License-Identifier: GPL-3.0-or-later
 * Wizards are data: arrays of step classes that the runner walks.
 */
#include "config.h"

#include "steps.h"

const IotStepClass *const iot_wizard_main[] = {
  &iot_step_devices,
  &iot_step_device_detail,
  &iot_step_show_qr,
  &iot_step_wifi_qr,
  &iot_step_join,
  &iot_step_language,
  /* The password wizard, opened from a device's details: choose it, set
   * it on the device and verify it (WAIT while the device answers; only a
   * verified result sets IotPasswordSetup.applied), hand it over. */
  &iot_step_password_choose,
  &iot_step_password_apply,
  &iot_step_password_handover,
  /* The guideline card, opened from a device's details. */
  &iot_step_guideline_card,
  /* The rest of a device's setup wizard, after the password: updates,
   * personal data, and the summary (Enter on the device's details). */
  &iot_step_update,
  &iot_step_personal_data,
  &iot_step_summary,
  NULL,
};

const IotStepClass *const iot_wizard_kiosk[] = {
  &iot_step_language,
  &iot_step_devices,
  &iot_step_device_detail,
  &iot_step_show_qr,
  &iot_step_staff_assess,
  /* A customer sets a device up as at home, from its details: password,
   * updates, personal data, summary; and its guideline card. All of it is
   * the session's, and goes at the session's end. */
  &iot_step_password_choose,
  &iot_step_password_apply,
  &iot_step_password_handover,
  &iot_step_guideline_card,
  &iot_step_update,
  &iot_step_personal_data,
  &iot_step_summary,
  NULL,
};
