/* SPDX-License-Identifier: GPL-3.0-or-later
 * Device profiles (data/profiles/ID.conf): what a device family is, how to
 * recognise it on the network (service types, instance-name patterns, TXT
 * records, setup hotspot names), which driver handles it, and the facts the
 * checks need (vulnerability disclosure, support period, updates, personal
 * data, reset, default credentials, password rules). Matching picks the most
 * specific profile for a device and says why, in plain words.
 */
#pragma once

#include <glib.h>

#include "iot-registry.h"

/* Longest pattern, TXT value or name the matcher looks at, in bytes. */
#define IOT_PROFILE_MAX_TEXT 255

typedef enum
{
  IOT_AUTO_UPDATE_UNKNOWN,
  IOT_AUTO_UPDATE_YES,      /* on by default */
  IOT_AUTO_UPDATE_OPTIONAL, /* available, off until the user turns it on */
  IOT_AUTO_UPDATE_NO,       /* updates only by hand */
} IotAutoUpdate;

typedef enum
{
  IOT_PASSWORD_CHARS_PRINTABLE_ASCII,
  IOT_PASSWORD_CHARS_ALPHANUMERIC,
  IOT_PASSWORD_CHARS_ANY,
} IotPasswordChars;

/* One user name and password pair, as published for a family or tried by
 * malware. The password may be "" (no password at all). */
typedef struct
{
  char *user;
  char *password;
  char *note; /* NULL, or where the pair comes from */
} IotCredential;

typedef struct _IotProfileRules IotProfileRules;

/* Texts are untranslated English from the data files; show them through
 * the data catalog once it exists. */
typedef struct
{
  char *id; /* equals the file name without ".conf" */
  char *vendor;
  char *family;
  char *driver; /* "shelly-gen2", "homebridge-ui", "http-basic", "mqtt", "ssh", "guided" */
  char *file;   /* where it was loaded from */

  char *vdp;           /* disclosure policy URL or mailto:, "" when unknown */
  char *setup_url;     /* the page served on the setup hotspot, "" when unknown */
  char *support_until; /* "YYYY-MM-DD", "" when not published */
  IotAutoUpdate auto_update;
  char *updates; /* how updates are installed */
  char *update_url; /* the maker's update page, or "/path" on the device's page; "" when none */
  char **personal_data;
  char **reset_steps;
  char *cloud_deletion;           /* "" when there is no cloud account */
  char *reset_loses;              /* what the driver's reset loses, "" for a factory reset */
  GPtrArray *default_credentials; /* IotCredential* */
  gboolean has_password;          /* FALSE: no password of its own (setup codes) */
  guint password_min, password_max;
  IotPasswordChars password_chars;
  char **guidance;
  guint web_port;              /* its web interface's port when it does not announce it, or 0 */
  gboolean credentials_in_url; /* its web API takes user and password in the URL (Tasmota) */

  gboolean generic; /* a fallback by service type, or the catch-all */
  gboolean catch_all;
  int priority; /* breaks ties between equally specific profiles */
  IotProfileRules *rules;
} IotProfile;

typedef struct _IotProfiles IotProfiles;

/* Why a profile was chosen. */
typedef struct
{
  const IotProfile *profile;
  const IotService *service; /* the service that matched; NULL for SSIDs and the catch-all */
  char *service_type;        /* the rule's service type, or NULL */
  char *name_pattern;        /* the instance-name or SSID pattern that matched, or NULL */
  char **txt;                /* "key=value" (sanitized) of each TXT rule, or NULL */
  gboolean ssid;             /* matched by a setup hotspot's Wi-Fi name */
} IotProfileMatch;

char *iot_profiles_default_dir (void);
IotProfiles *iot_profiles_load_dir (const char *dir, GError **error);
IotProfile *iot_profile_load_file (const char *path, GError **error);
IotProfile *iot_profile_load_string (const char *text, const char *name, GError **error);
/* Takes @items (IotProfile*, freed by the array's free function). */
IotProfiles *iot_profiles_new (GPtrArray *items, const char *where, GError **error);
void iot_profiles_free (IotProfiles *profiles);
void iot_profile_free (IotProfile *profile);
guint iot_profiles_get_n (const IotProfiles *profiles);
const IotProfile *iot_profiles_get (const IotProfiles *profiles, guint i);
const IotProfile *iot_profiles_lookup (const IotProfiles *profiles, const char *id);

IotProfileMatch *iot_profile_match_device (const IotProfiles *profiles, const IotDevice *device);
IotProfileMatch *iot_profile_match_ssid (const IotProfiles *profiles, const guint8 *ssid,
                                         gsize len);
char *iot_profile_match_dup_why (const IotProfileMatch *match, gboolean translate);
void iot_profile_match_free (IotProfileMatch *match);

gboolean iot_profile_glob_match (const char *pattern, const char *text, gsize len);

GPtrArray *iot_credentials_load (const char *path, GError **error);
char *iot_credentials_default_path (void);
void iot_credential_free (IotCredential *credential);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotProfiles, iot_profiles_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotProfile, iot_profile_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotProfileMatch, iot_profile_match_free)
