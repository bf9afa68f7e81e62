/* SPDX-License-Identifier: GPL-3.0-or-later
 * Device passwords (guideline 1, UK PSTI): generating one from the kernel's
 * CSPRNG that a person can read and type, and judging one a person typed:
 * refused when it is short, weak (zxcvbn), on a default-credential list,
 * based on the device's own identifiers, or a sequence or counter, each
 * with its reason in plain words. Passwords only ever live in IotSecrets.
 */
#pragma once

#include <glib.h>

#include "iot-profile.h"
#include "iot-registry.h"
#include "iot-secret.h"

#define IOT_PASSWORD_ERROR (iot_password_error_quark ())

typedef enum
{
  IOT_PASSWORD_ERROR_RULES,  /* the device's limits leave no room for a strong password */
  IOT_PASSWORD_ERROR_RANDOM, /* the kernel gave no random bytes */
} IotPasswordError;

/* Generated passwords carry at least this much entropy. */
#define IOT_PASSWORD_GENERATED_BITS 80
/* Letters and digits that cannot be mistaken for one another when read
 * aloud, written down or shown in any font: no 0/o, 1/l/i, 5/s, 2/z, 8/b,
 * 9/g/q, u/v; lower case only, so case cannot be misread either. */
#define IOT_PASSWORD_ALPHABET "acdefhjkmnprtwxy34679"
#define IOT_PASSWORD_GROUP 4
/* Typed passwords are refused below this zxcvbn estimate (log2 of the
 * guesses). 50 bits is about 10^15 guesses: days for one GPU against a
 * leaked SHA-256 digest (HA1), far beyond any online attack on a device,
 * and reachable with four random words or 10 random characters. */
#define IOT_PASSWORD_MIN_BITS 50.0
/* The shortest password accepted anywhere, whatever a profile allows. */
#define IOT_PASSWORD_MIN_LENGTH 8

typedef struct
{
  guint min_length; /* characters */
  guint max_length; /* characters; 0 means no limit */
  IotPasswordChars chars;
} IotPasswordRules;

/* Why a typed password is refused; several can apply. */
typedef enum
{
  IOT_PASSWORD_OK = 0,
  IOT_PASSWORD_TOO_SHORT = 1 << 0,
  IOT_PASSWORD_TOO_LONG = 1 << 1,
  IOT_PASSWORD_BAD_CHARS = 1 << 2,
  IOT_PASSWORD_WEAK = 1 << 3,
  IOT_PASSWORD_DEFAULT = 1 << 4,
  IOT_PASSWORD_IDENTIFIER = 1 << 5,
  IOT_PASSWORD_PATTERN = 1 << 6,
} IotPasswordProblem;

typedef struct _IotPasswordCheck IotPasswordCheck;

/* What the password wizard's steps share, from choosing the password to
 * handing it over (the session holds it while the wizard runs). The seam
 * for the drivers: an "apply and verify" step between choosing and the
 * hand-over sets the password on the device through its driver, checks
 * that the old default is refused and the new one works, and only then
 * sets @applied. Until then the hand-over says plainly that it is not set. */
typedef struct
{
  char *device_id;
  char *device_name;         /* sanitized, for display */
  const IotProfile *profile; /* not owned; NULL when no profile fits */
  IotPasswordRules rules;
  IotSecret *secret; /* the chosen password; NULL until chosen */
  gboolean generated;
  gboolean applied; /* the device took it, and a login with it was verified */
} IotPasswordSetup;

GQuark iot_password_error_quark (void);

IotPasswordSetup *iot_password_setup_new (const char *device_id, const char *device_name,
                                          const IotProfile *profile);
void iot_password_setup_free (IotPasswordSetup *setup);

void iot_password_rules_init (IotPasswordRules *rules, const IotProfile *profile);
IotSecret *iot_password_generate (const IotPasswordRules *rules, double *bits, GError **error);

IotPasswordCheck *iot_password_check_new (const IotPasswordRules *rules);
void iot_password_check_free (IotPasswordCheck *check);
void iot_password_check_add_identifier (IotPasswordCheck *check, const char *word);
void iot_password_check_add_default (IotPasswordCheck *check, const char *password);
void iot_password_check_add_defaults (IotPasswordCheck *check, const GPtrArray *credentials);
void iot_password_check_add_device (IotPasswordCheck *check, const IotDevice *device,
                                    const IotProfile *profile);
IotPasswordProblem iot_password_check_run (const IotPasswordCheck *check,
                                           const IotSecret *password, double *bits);
GPtrArray *iot_password_problem_reasons (IotPasswordProblem problems,
                                         const IotPasswordRules *rules);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotPasswordCheck, iot_password_check_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotPasswordSetup, iot_password_setup_free)
