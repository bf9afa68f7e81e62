/* SPDX-License-Identifier: GPL-3.0-or-later
 * What the per-device setup wizard (password → updates → personal data →
 * summary) observed and did, kept in the session so the summary and the
 * device list can show it: the guideline results it decided (G3 updates,
 * G11 deleting personal data), what changed, what is left for the person.
 * The decisions live here, UI-free, so they are tested without a terminal:
 * a PASS needs an observation, never an assumption.
 */
#pragma once

#include "iot-check.h"
#include "iot-report.h"

typedef enum
{
  IOT_UPDATE_STATE_UNKNOWN,   /* nobody could tell (offline, refused, no answer) */
  IOT_UPDATE_STATE_NONE,      /* the device checked and has nothing newer */
  IOT_UPDATE_STATE_AVAILABLE, /* one is offered and was not installed */
  IOT_UPDATE_STATE_INSTALLED, /* installed, and the new version was observed */
  IOT_UPDATE_STATE_FAILED,    /* installing did not end with the new version */
  IOT_UPDATE_STATE_GUIDED,    /* no driver: the person answered */
} IotUpdateState;

typedef struct
{
  const IotProfile *profile; /* nullable */
  GDateTime *now;
  IotUpdateState state;
  const char *version;   /* before (or the only one known); nullable */
  const char *available; /* the version offered; nullable */
  const char *installed; /* the version observed afterwards; nullable */
  const char *reason;    /* why unknown or failed (sanitized); nullable */
  gboolean person_says_on; /* GUIDED: the person says automatic updates are on */
} IotUpdateFacts;

typedef enum
{
  IOT_ERASE_KNOW_HOW,     /* the steps were shown and saved */
  IOT_ERASE_VERIFIED,     /* reset through the driver, seen back in setup state */
  IOT_ERASE_NOT_VERIFIED, /* reset asked for, but the result was not observed */
} IotEraseOutcome;

typedef struct
{
  char *device_id;
  GPtrArray *results; /* IotCheckResult*, decided by the wizard's steps */
  GPtrArray *changes; /* char*: what the wizard changed on the device */
  GPtrArray *todo;    /* char*: what is left for the person */
  gboolean done;      /* the person reached the summary */
} IotSetupRecord;

extern const IotCheck iot_check_update_wizard;
extern const IotCheck iot_check_erase_wizard;

IotCheckResult *iot_update_decide (const IotUpdateFacts *facts);
/* @evidence: what was observed (sanitized), or NULL. */
IotCheckResult *iot_erase_decide (const IotProfile *profile, IotEraseOutcome outcome,
                                  const char *evidence);
/* TRUE when @profile's support period ended before @now. */
gboolean iot_support_period_ended (const IotProfile *profile, GDateTime *now);

/* The device a wizard step acts on, copied when the step starts: a device
 * that restarts vanishes from discovery for a while, and the step keeps
 * talking to the address it had. */
typedef struct
{
  char *device_id;
  char *name;      /* sanitized */
  char *address;   /* for the driver: IPv4 first, fe80:: with "%ifname" */
  guint16 port;    /* of its web service; 80 when it announces none */
  char *admin_url; /* its settings page, or NULL */
  char *update_url; /* where its updates are installed (the profile's updates.url, else admin_url), or NULL */
  char *hap_id;     /* its HomeKit TXT id when it announces _hap._tcp (sanitized), or NULL */
  char *short_name;
  const IotProfile *profile; /* nullable; owned by the profiles */
} IotSetupTarget;

IotSetupTarget *iot_setup_target_new (const IotDevice *device, const IotProfiles *profiles);
void iot_setup_target_free (IotSetupTarget *target);

/* What a HomeKit or Matter device's own announcement says about its
 * pairing: 1 back in setup state (HomeKit TXT sf with bit 1 set, Matter
 * commissionable with CM=1 or 2), 0 still paired, -1 it does not say.
 * @evidence: the TXT record that decided it (sanitized). */
int iot_setup_txt_setup_state (const IotDevice *device, char **evidence);

/* After a HomeKit identity reset (the Homebridge accessory reset): the
 * device announcing _hap._tcp from @address with an id other than @old_id
 * and sf bit 1 set (not paired), or NULL while there is none. @evidence:
 * what shows it (sanitized). */
IotDevice *iot_setup_hap_reset_seen (IotRegistry *registry, const char *address, const char *old_id,
                                     char **evidence);

/* The characters a person types to confirm a destructive action: the last
 * four letters or digits of the device's host name (or id), lower case. */
char *iot_setup_short_name (const IotDevice *device);

IotSetupRecord *iot_setup_record_new (const char *device_id);
void iot_setup_record_free (IotSetupRecord *record);
/* Takes @result; replaces an earlier one of the same check. */
void iot_setup_record_set_result (IotSetupRecord *record, IotCheckResult *result);
const IotCheckResult *iot_setup_record_get_result (const IotSetupRecord *record, const char *check_id);
void iot_setup_record_add_change (IotSetupRecord *record, const char *text);
void iot_setup_record_add_todo (IotSetupRecord *record, const char *text);
void iot_setup_record_drop_todo (IotSetupRecord *record, const char *text);

/* The device's report after the wizard: the facts checks, except where the
 * wizard decided a guideline itself (its observation replaces the guess). */
IotReport *iot_setup_record_report (const IotSetupRecord *record, const IotDevice *device,
                                    const IotProfile *profile, const IotGuidelines *guidelines,
                                    GDateTime *now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotSetupTarget, iot_setup_target_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotSetupRecord, iot_setup_record_free)
