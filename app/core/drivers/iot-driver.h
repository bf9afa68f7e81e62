/* SPDX-License-Identifier: GPL-3.0-or-later
 * The interface every device driver implements. A profile names its driver
 * (`driver = "shelly-gen2";`); iot_driver_lookup() finds it. A driver acts
 * on one target device (IotDriverDevice: the address discovery found, the
 * port, the credential the assistant holds for it) through the device's
 * local API. Every operation is asynchronous (GTask), cancellable and
 * bounded; each one is optional: a NULL entry means the wizard shows guided
 * steps instead.
 *
 * Results are observations, never assumptions: verify_password reports what
 * the device did with no password, the old one and the new one; update and
 * factory_reset return only after the device has come back (or fail with
 * IOT_DRIVER_ERROR_GONE), with what it then reports.
 *
 * Usage:
 *
 *     const IotDriver *drv = iot_driver_lookup (profile->driver);
 *     IotDriverDevice *dev = iot_driver_device_new (http, "198.18.0.10", 80);
 *     if (drv && drv->identify)
 *       drv->identify (dev, cancellable, on_identified, self);
 *     ... in on_identified:
 *     g_autoptr (IotDriverInfo) info = iot_driver_info_finish (result, &error);
 */
#pragma once

#include "app/core/iot-http.h"
#include "app/core/iot-secret.h"

#include <gio/gio.h>

#define IOT_DRIVER_ERROR (iot_driver_error_quark ())

typedef enum
{
  IOT_DRIVER_ERROR_AUTH,      /* the device refused the credential */
  IOT_DRIVER_ERROR_DEVICE,    /* the device answered with an error */
  IOT_DRIVER_ERROR_BAD_REPLY, /* the answer is not what the API documents */
  IOT_DRIVER_ERROR_GONE,      /* the device did not come back in time */
  IOT_DRIVER_ERROR_UNCHANGED, /* it came back, but the change did not happen */
} IotDriverError;

GQuark iot_driver_error_quark (void);

/* What a device says about itself; every string sanitized (display-safe). */
typedef struct
{
  char *id;        /* the device's own id (Shelly: "shellyplusplugs-…") */
  char *model;     /* or NULL */
  char *app;       /* product/app name, or NULL */
  char *firmware;  /* version, e.g. "1.4.4" */
  char *build;     /* firmware build id, or NULL */
  gboolean auth_enabled;
} IotDriverInfo;

typedef struct
{
  char *current;   /* the installed version */
  char *available; /* the newer stable version, or NULL when none */
  /* The device could not find out (e.g. it is offline): never read this
   * as "up to date". */
  gboolean unknown;
} IotDriverUpdate;

typedef struct
{
  gboolean no_password_refused;  /* an unauthenticated call was refused */
  gboolean old_password_refused; /* the old credential was refused (TRUE when there was none) */
  gboolean new_password_accepted;
} IotDriverVerify;

typedef enum
{
  IOT_DRIVER_PHASE_SENT,    /* the device accepted the command */
  IOT_DRIVER_PHASE_DOWN,    /* it went away (restarting) */
  IOT_DRIVER_PHASE_WAITING, /* still waiting for it (a poll failed or answered unchanged) */
  IOT_DRIVER_PHASE_BACK,    /* it answers again */
} IotDriverPhase;

typedef void (*IotDriverProgress) (IotDriverPhase phase, gint64 elapsed_ms, gpointer user_data);

/* The target: one device as discovery found it. */
typedef struct
{
  IotHttp *http;          /* borrowed; outlives every operation */
  char *address;          /* IPv4 / IPv6 literal, fe80:: with "%zone" */
  guint16 port;
  char *host;             /* mDNS host name for the Host header, or NULL */
  IotSecret *credential;  /* the password the device has now, or NULL (none) */
  guint request_timeout_ms;
  guint reboot_timeout_ms; /* how long update/reset wait for the device to come back */
  guint poll_interval_ms;
  IotDriverProgress progress;
  gpointer progress_data;
} IotDriverDevice;

typedef struct
{
  const char *name; /* the profiles' `driver` value */
  /* The port the driver's API listens on when it is not the announced
   * service's (Homebridge: the bridge announces HAP, the web page is on
   * 8581); 0: the service's port. */
  guint16 port;
  void (*identify) (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data); /* → iot_driver_info_finish */
  /* Sets @password as the device's password; on success dev->credential
   * becomes a copy of it. → iot_driver_boolean_finish */
  void (*set_password) (IotDriverDevice *dev, const IotSecret *password, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data);
  /* @old: the credential before the change, or NULL (there was none).
   * → iot_driver_verify_finish */
  void (*verify_password) (IotDriverDevice *dev, const IotSecret *old, const IotSecret *password,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  void (*check_update) (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data); /* → iot_driver_update_finish */
  /* Installs the available update and waits for the device to come back
   * with a new version. → iot_driver_info_finish (what it reports then) */
  void (*update) (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data);
  /* Resets the device and waits for it to come back. Afterwards it has no
   * password: dev->credential is cleared. → iot_driver_info_finish */
  void (*factory_reset) (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data);
} IotDriver;

/* NULL for unknown names and for "guided". */
const IotDriver *iot_driver_lookup (const char *name);

IotDriverDevice *iot_driver_device_new (IotHttp *http, const char *address, guint16 port);
void iot_driver_device_free (IotDriverDevice *dev);
/* Copies @credential (NULL: none). */
void iot_driver_device_set_credential (IotDriverDevice *dev, const IotSecret *credential);

IotDriverInfo *iot_driver_info_finish (GAsyncResult *result, GError **error);
gboolean iot_driver_boolean_finish (GAsyncResult *result, GError **error);
IotDriverVerify *iot_driver_verify_finish (GAsyncResult *result, GError **error);
IotDriverUpdate *iot_driver_update_finish (GAsyncResult *result, GError **error);

void iot_driver_info_free (IotDriverInfo *info);
void iot_driver_update_free (IotDriverUpdate *update);
void iot_driver_verify_free (IotDriverVerify *verify);

/* TRUE when a verify result proves the change: a PASS. */
gboolean iot_driver_verify_passed (const IotDriverVerify *verify);

/* Drivers never follow a redirect (iot-http does not either). When @resp
 * is one (3xx), sets @error to say so, and whether it pointed outside the
 * local network, and returns TRUE. */
gboolean iot_driver_refuse_redirect (const IotDriverDevice *dev, const IotHttpResponse *resp,
                                     GError **error);

/* For the drivers (iot-driver-*.c): the state of one operation, the task
 * data of its GTask (the task holds a reference to itself until it
 * returns). Each driver numbers its own kinds and steps; a field a driver
 * does not need stays empty. */
typedef struct
{
  IotDriverDevice *dev;
  int kind;
  int step;
  int awaiting;            /* which answer the pending request waits for */
  IotSecret *password;     /* the new password (set_password, verify_password) */
  IotSecret *old;          /* verify_password's old one; NULL when there was none */
  IotSecret *token;        /* a session token the device issued, or NULL */
  IotDriverInfo *info;     /* what the device said before the operation, or NULL */
  IotDriverVerify *verify; /* verify_password's observations so far */
  gboolean claimed;        /* the device has an account (Homebridge's setup wizard is done) */
  gint64 started;          /* when the wait for a restart began */
  gboolean seen_down;      /* the device went away during that wait */
  void (*poll) (GTask *task); /* what iot_driver_op_poll_later() runs next */
} IotDriverOp;

/* A task for operation @kind on @dev, holding a copy of @password (NULL:
 * none). */
GTask *iot_driver_op_new (IotDriverDevice *dev, int kind, const IotSecret *password,
                          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* The same for verify_password: also @old when it is not empty, and an
 * empty IotDriverVerify to fill. */
GTask *iot_driver_op_new_verify (IotDriverDevice *dev, int kind, const IotSecret *old,
                                 const IotSecret *password, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* Each returns on @task and drops the task's reference to itself. */
void iot_driver_op_fail (GTask *task, IotDriverError code, const char *message);
void iot_driver_op_return_error (GTask *task, GError *error);
void iot_driver_op_return_verify (GTask *task);
/* Reports @phase of a restart wait, with the time since op->started. */
void iot_driver_op_progress (IotDriverOp *op, IotDriverPhase phase);
/* Runs @poll on @task after the device's poll interval, or fails @task as
 * GONE when the wait that began at op->started has reached the device's
 * reboot_timeout_ms. */
void iot_driver_op_poll_later (GTask *task, void (*poll) (GTask *task));

/* The drivers. */
extern const IotDriver iot_driver_shelly_gen2;
extern const IotDriver iot_driver_homebridge_ui;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotDriverDevice, iot_driver_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotDriverInfo, iot_driver_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotDriverUpdate, iot_driver_update_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotDriverVerify, iot_driver_verify_free)
