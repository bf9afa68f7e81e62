/* SPDX-License-Identifier: GPL-3.0-or-later
 * Checks that probe the device the user picked over HTTP (iot-http only):
 * G1 "no default password" for its web interface or API (Shelly through
 * its driver, the Homebridge UI's REST API, HTTP Basic/Digest logins with
 * published defaults, an admin page that opens without any login) and G5
 * "communicate securely" for the same interface (cleartext HTTP with a
 * login, HTTPS without a verifying certificate, credentials in URLs).
 *
 * Requests go only to the device's own local address from discovery, a few
 * at a time, each time-limited and cancellable, and are counted in the
 * evidence. The evidence never holds a password, not even a published
 * default that worked: it names the user and says "the documented
 * default".
 *
 * The decisions are split from the probing so they can be tested on
 * recorded answers (status codes, JSON bodies, WWW-Authenticate headers).
 */
#pragma once

#include "iot-check.h"
#include "iot-http.h"

#include "drivers/iot-driver.h"

const IotCheck *const *iot_checks_http (guint *n_checks);

/* At most this many logins with default credentials per check. */
#define IOT_HTTP_MAX_LOGINS 5
/* Each request's own limits (the check as a whole has its own timeout). */
#define IOT_HTTP_PROBE_TIMEOUT_MS 5000
#define IOT_HTTP_PROBE_CONNECT_MS 3000

/* The scheme a WWW-Authenticate header asks for: BASIC, DIGEST, or NONE
 * (missing, or a scheme we do not speak such as Bearer or Negotiate). */
IotHttpAuth iot_http_challenge_scheme (const char *www_authenticate);

/* How the default-credential logins went. */
typedef struct
{
  const char *url;           /* where (already free of user information) */
  const char *how;           /* "HTTP Basic", "HTTP Digest", "the web page's login" */
  guint n_tried;
  const char *accepted_user; /* the user of the first default that worked, or NULL */
} IotHttpLogins;

/* Shelly: @info from the driver's identify; @unauth_status: the status of
 * a call that needs auth, made without credentials (0: no answer);
 * @logins: the documented defaults tried (n_tried 0 when none). */
IotCheckResult *iot_check_decide_shelly_login (const IotCheck *check, const char *url,
                                               const IotDriverInfo *info, guint unauth_status,
                                               const IotHttpLogins *logins);

/* Homebridge UI, GET /api/auth/settings: FAIL when it says
 * setupWizardComplete:false (unclaimed), else NULL (go on with logins). */
IotCheckResult *iot_check_decide_homebridge_settings (const IotCheck *check, const char *url,
                                                      guint status, GBytes *body);
/* The outcome of default logins (Homebridge, HTTP Basic/Digest): FAIL when
 * one was accepted, PASS when all were refused, NULL when none was tried. */
IotCheckResult *iot_check_decide_http_logins (const IotCheck *check, const IotHttpLogins *logins);

/* An admin page asked without any credentials: FAIL when it opened (2xx),
 * NULL when it asks for a login (401) or did not answer usefully. */
IotCheckResult *iot_check_decide_admin_page (const IotCheck *check, const char *url,
                                             guint status);

/* What the G5 probe saw of the device's web interface. */
typedef struct
{
  const char *http_url;       /* the cleartext page that answered, or NULL */
  gboolean login;             /* it takes a password */
  IotHttpAuth login_auth;     /* BASIC or DIGEST, or NONE for a form/JSON login */
  const char *https_url;      /* an HTTPS page that answered, or NULL */
  gboolean tls_verified;
  const char *tls_problem;    /* from IotHttpResponse */
  gboolean query_credentials; /* its API takes user and password in the URL (Tasmota) */
} IotHttpTransport;

IotCheckResult *iot_check_decide_http_transport (const IotCheck *check,
                                                 const IotHttpTransport *t);
