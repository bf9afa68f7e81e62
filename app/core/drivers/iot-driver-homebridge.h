/* SPDX-License-Identifier: GPL-3.0-or-later
 * The Homebridge web page driver's handling of the page's answers, exposed
 * for the unit tests and the fuzz target (the driver itself is
 * iot_driver_homebridge_ui in iot-driver.h). Everything here takes the raw,
 * hostile status and body and returns sanitized values or an
 * IOT_DRIVER_ERROR.
 */
#pragma once

#include "iot-driver.h"

/* GET /api/auth/settings: whether the page has an account
 * (setupWizardComplete, at the top or, in 4.76.0, under "env"; 4.42.0
 * predates the setup wizard and always has one). FALSE with BAD_REPLY when
 * the answer is not a JSON object. */
gboolean iot_homebridge_parse_settings (guint status, GBytes *body, gboolean *claimed, GError **error);

/* POST /api/auth/login: TRUE when the page accepted the login (200/201),
 * with its access token in @token (NULL when there is none, or one longer
 * than IOT_SECRET_MAX); the reply's bytes are wiped then. FALSE without an
 * error when it refused the password (400/401/403), FALSE with DEVICE
 * otherwise. */
gboolean iot_homebridge_parse_login (guint status, GBytes *body, IotSecret **token, GError **error);

/* The answer to create-first-user, change-password or the reset: TRUE on
 * 200/201; else FALSE with AUTH for a refusal, DEVICE for anything else. */
gboolean iot_homebridge_parse_changed (guint status, GError **error);

/* GET /api/status/homebridge-version: the installed version and the newer
 * one when the page says one is available; with updateAvailable false the
 * answer is "unknown" (an offline page says so too) unless the latest
 * version it names is the installed one. @app: the package's name, or
 * NULL. NULL with AUTH, DEVICE or BAD_REPLY. */
IotDriverUpdate *iot_homebridge_parse_version (guint status, GBytes *body, char **app, GError **error);
