/* SPDX-License-Identifier: GPL-3.0-or-later
 * Configuration (libconfig): built-in defaults, then the system file, then the
 * user's, or only the file given with --config. Every setting is checked
 * against one schema: unknown keys and wrong types are errors naming the
 * file, the line and the key.
 */
#pragma once

#include <glib.h>

#define IOT_CONFIG_ERROR (iot_config_error_quark ())

typedef enum
{
  IOT_CONFIG_ERROR_PARSE,
  IOT_CONFIG_ERROR_UNKNOWN_KEY,
  IOT_CONFIG_ERROR_TYPE,
  IOT_CONFIG_ERROR_VALUE,
  IOT_CONFIG_ERROR_NOT_FOUND,
} IotConfigError;

typedef struct
{
  /* discovery */
  char **service_types; /* NULL-terminated */
  gboolean browse_all_types;
  double scan_timeout;    /* seconds: `iotsetup scan` gives up after this */
  double resolve_timeout; /* seconds: a resolve taking longer has failed */
  gboolean remember_devices;
  /* ui */
  gboolean ui_color;
  gboolean ui_show_ipv6;
  /* network */
  double join_timeout; /* seconds a device's hotspot gets to accept this computer */
  double auto_return;  /* seconds on a device's hotspot before going back on its own */
  double restart_timeout; /* seconds a device gets to come back after an update or reset */
  double password_reveal_seconds; /* a shown password hides itself after this */
  /* kiosk: the in-store setup kiosk (iotsetup --kiosk) */
  gboolean kiosk;
  char *kiosk_shop_name;        /* "" when not set */
  char *kiosk_greeting;         /* "" when not set */
  char *kiosk_language;         /* the shop's default language code; "" = the environment's */
  double kiosk_idle_timeout;    /* seconds without a key before a session ends */
  double kiosk_countdown;       /* seconds of visible countdown before that */
  char *kiosk_pin_hash;         /* crypt(3) yescrypt hash of the staff PIN; "" = none */
  char *kiosk_receipt_dir;      /* absolute spool directory for receipts; "" = none */
  char **kiosk_receipt_command; /* argv receiving a receipt on stdin; empty = none */
  double kiosk_receipt_timeout; /* seconds the command gets before it counts as failed */
  char *kiosk_guidance_url;     /* receipt QR code; "{lang}" becomes the language code */
} IotConfig;

struct config_setting_t;
struct config_t;

GQuark iot_config_error_quark (void);
gboolean iot_config_error_at (GError **error, int code, const struct config_setting_t *setting,
                              const char *fallback_file, const char *path, const char *what);
gboolean iot_config_parse_error (const struct config_t *cf, const char *file, GError **error);
IotConfig *iot_config_new (void);
IotConfig *iot_config_copy (const IotConfig *config);
void iot_config_free (IotConfig *config);
void iot_config_force_kiosk (IotConfig *config);
gboolean iot_config_load_file (IotConfig *config, const char *path, GError **error);
gboolean iot_config_load_string (IotConfig *config, const char *text, GError **error);
gboolean iot_config_load (IotConfig *config, const char *explicit_path, GError **error);
char *iot_config_system_path (void);
char *iot_config_user_path (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotConfig, iot_config_free)
