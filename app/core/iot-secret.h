/* SPDX-License-Identifier: GPL-3.0-or-later
 * Secrets (passwords generated or typed for a device, Wi-Fi keys): bounded
 * buffers in their own locked pages (mlock, MADV_DONTDUMP), wiped with
 * explicit_bzero when freed or cleared. From the first secret on, the process
 * is not dumpable and its core size limit is 0, so no core file or ptrace
 * peer sees one, nor a library's copy of one that outlived it. iot_secret_wipe_all() clears every live secret at once: the
 * exit paths (signals, quit) and the kiosk's end of session call it.
 */
#pragma once

#include <glib.h>

/* Longest secret in bytes (not counting the NUL): a device password or a
 * WPA key is far shorter, but a bearer token (a JWT, e.g. the Homebridge
 * web page's, about 300 bytes) is a secret too. It fits one page. */
#define IOT_SECRET_MAX 1023

typedef struct _IotSecret IotSecret;

IotSecret *iot_secret_new (void);
/* A secret holding a copy of @text (@len bytes, or up to NUL when -1);
 * NULL when it is longer than IOT_SECRET_MAX. */
IotSecret *iot_secret_new_from (const char *text, gssize len);
/* A new secret with the same contents. */
IotSecret *iot_secret_copy (const IotSecret *secret);
void iot_secret_free (IotSecret *secret);

/* NUL-terminated; valid until the secret changes or is freed. */
const char *iot_secret_get (const IotSecret *secret);
gsize iot_secret_len (const IotSecret *secret);
gboolean iot_secret_is_empty (const IotSecret *secret);

/* Appends @len bytes; FALSE (and no change) when it would not fit. */
gboolean iot_secret_append (IotSecret *secret, const char *text, gsize len);
gboolean iot_secret_append_unichar (IotSecret *secret, gunichar c);
/* Removes the last UTF-8 character, if any. */
void iot_secret_backspace (IotSecret *secret);
void iot_secret_clear (IotSecret *secret);
gboolean iot_secret_equal (const IotSecret *a, const IotSecret *b);
void iot_secret_burn_stack (void);

/* Clears the contents of every live secret (they stay allocated and empty). */
void iot_secret_wipe_all (void);
/* How many secrets are alive; tests use it to prove nothing leaks. */
guint iot_secret_count_live (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotSecret, iot_secret_free)
