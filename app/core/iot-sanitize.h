/* SPDX-License-Identifier: GPL-3.0-or-later
 * Sanitizing of untrusted text (instance names, TXT values, host names, SSIDs,
 * HTTP bodies) before it reaches a screen, a report or JSON: valid UTF-8 only,
 * no control or escape sequences, no bidirectional overrides, bounded length.
 */
#pragma once

#include <glib.h>

/* Longest sanitized string we ever produce, in bytes, before truncation. */
#define IOT_SANITIZE_MAX_BYTES 1024

char *iot_sanitize_text (const char *raw, gssize len, gsize max_bytes);
gboolean iot_sanitize_is_clean (const char *text);
