/* SPDX-License-Identifier: GPL-3.0-or-later
 * The guided path of the password wizard (guideline 1): for devices the
 * assistant cannot set a password on itself, the person sets it by steps
 * (an SSH host: log in, run passwd; a printer or any device with a
 * settings page: set it there), then the assistant verifies what it can
 * observe. An SSH host: a real password login with the old default is
 * refused and one with the new password is accepted (libssh in a worker
 * thread). A settings page: it now asks for a login, and the old default
 * is refused and the new password accepted there. Only both give a PASS;
 * where nothing can be checked the result is the person's answer (MANUAL).
 * The new password goes to a settings page only over TLS (a self-signed
 * certificate still keeps it from passive listeners on the LAN) or with
 * Digest, which never carries it: a page that asks for Basic over plain
 * HTTP is checked only for refusing no password and the old default, and
 * the result is MANUAL.
 * No curses here: the TUI's apply step and `iotsetup set-password` share it.
 *
 * Usage:
 *
 *     g_autoptr (IotPasswordGuided) g = iot_password_guided_new (http, device, profile);
 *     iot_password_guided_verify_async (g, secret, cancellable, on_done, self);
 *     ... in on_done:
 *     g_autoptr (IotApplyReport) r = iot_password_guided_verify_finish (result, &error);
 */
#pragma once

#include "iot-password-apply.h"

/* The whole verification, every login included. */
#define IOT_PASSWORD_GUIDED_TIMEOUT_MS 10000

typedef enum
{
  IOT_GUIDED_NONE, /* nothing to check against: the person's answer */
  IOT_GUIDED_SSH,  /* logins over SSH */
  IOT_GUIDED_WEB,  /* the settings page (HTTP Basic or Digest) */
} IotGuidedKind;

/* What a verification saw; decided by iot_password_guided_decide(). */
typedef struct
{
  IotGuidedKind kind;
  gboolean reached;          /* the device answered at all */
  gboolean asks_login;       /* web: the page asks for one (401); SSH: always */
  guint n_old, n_old_refused; /* the old defaults tried (and "none" on a page), and refused */
  gboolean new_tried, new_accepted;
  gboolean key_changed;      /* SSH: another host key on the second login: nothing was sent */
  gboolean in_clear;         /* web: Basic over plain HTTP, so the new password was not sent */
  const char *where;         /* "pi@198.18.0.30" or the page's URL, display-safe */
} IotGuidedSeen;

typedef struct _IotPasswordGuided IotPasswordGuided;

/* @device and @profile are read now. */
IotPasswordGuided *iot_password_guided_new (IotHttp *http, const IotDevice *device, const IotProfile *profile);
void iot_password_guided_free (IotPasswordGuided *guided);
IotGuidedKind iot_password_guided_get_kind (const IotPasswordGuided *guided);
/* SSH: the command to log in with ("ssh pi@raspberrypi.local"; an
 * address instead of a host name that is not a plain DNS name, so nothing
 * from the network reaches a shell the person types into), else NULL. */
const char *iot_password_guided_get_login (const IotPasswordGuided *guided);
/* The old default password shown in the steps (published, never a
 * secret of the person's), or NULL. */
const char *iot_password_guided_get_old (const IotPasswordGuided *guided);
void iot_password_guided_set_timeout (IotPasswordGuided *guided, guint timeout_ms);

void iot_password_guided_verify_async (IotPasswordGuided *guided, const IotSecret *password,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
/* NULL only when cancelled. */
IotApplyReport *iot_password_guided_verify_finish (GAsyncResult *result, GError **error);

/* The report for what was seen: PASS only when the old default(s) were
 * refused and the new password accepted. Pure. */
IotApplyReport *iot_password_guided_decide (const IotGuidedSeen *seen);

/* "ssh USER@HOST", HOST being @host when it is a plain DNS name, else
 * @address; NULL without a user. Pure. */
char *iot_password_guided_login_command (const char *user, const char *host, const char *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotPasswordGuided, iot_password_guided_free)
