import { describe, expect, it } from "vitest";
import { checkValue, type FieldKind, type PhiRule } from "./phi-guard.js";

type Case = readonly [kind: FieldKind, field: string, value: string];

/**
 * The HIPAA Safe Harbor identifier categories (45 CFR 164.514(b)(2)) one by one: for each, realistic
 * values that must be refused, in a field named for them and in free text, and safe clinical text
 * close to them that must pass. Every value is made up or a published example.
 */
const categories: { category: string; rule: PhiRule | PhiRule[]; refused: Case[]; safe: Case[] }[] = [
  {
    category: "1. names (in free text)",
    rule: "person-name",
    refused: [
      ["free_text", "notes", "Mrs Jane Doe attended the screening visit"],
      ["free_text", "notes", "Spoke to Mr. Okafor about the fasting rules"],
      ["free_text", "notes", "Ms Lindqvist prefers morning visits"],
      ["free_text", "notes", "Consent discussed with patient Maria Gonzalez"],
      ["free_text", "notes", "the patient Smith felt dizzy after dosing"],
      ["free_text", "notes", "Volunteer Anna Berg withdrew consent"],
      ["free_text", "notes", "Wife Sarah will drive him home"],
      ["free_text", "notes", "Next of kin: Thomas Weber"],
      ["free_text", "notes", "Emergency contact (Lucy)"],
      ["free_text", "notes", "My name is Robert Chen"],
      ["free_text", "notes", "Referred by Dr Patel, St Mary's Hospital"],
      ["free_text", "notes", "Seen by Dr. Müller at Charité Klinikum"],
      ["free_text", "medicalHistory", "Treated by Prof Rossi of Ospedale San Raffaele Hospital"],
      ["free_text", "notes", "Herr Schneider called to rebook"],
    ],
    safe: [
      ["free_text", "notes", "Patient 3 saw Dr Patel at 3 pm"],
      ["free_text", "notes", "Patient Reported Outcome diary handed out"],
      ["free_text", "notes", "Participant Information Sheet v2 signed"],
      ["free_text", "notes", "Subject S101-007 withdrew consent on Day 8"],
      ["free_text", "notes", "Volunteer ID 12345 re-consented"],
      ["free_text", "notes", "QTcF 412 ms Fridericia corrected"],
      ["free_text", "notes", "Patient was seen by the investigator"],
      ["free_text", "notes", "Dr on call reviewed the ECG"],
      ["free_text", "notes", "Took Tylenol 500 mg for headache"],
      ["name", "firstName", "Jane"],
      ["name", "lastName", "Doe"],
    ],
  },
  {
    category: "3. dates of birth and ages over 89",
    rule: ["birth-date", "age-over-89"],
    refused: [
      ["free_text", "notes", "DOB 12/04/1987, non-smoker"],
      ["free_text", "notes", "D.O.B.: 1987-04-12"],
      ["free_text", "notes", "Date of birth 04.12.1987 confirmed against ID"],
      ["free_text", "notes", "born on April 12, 1987 in Leeds"],
      ["free_text", "notes", "Born 12 April 1987"],
      ["free_text", "medicalHistory", "Birthday is 3rd March, asked for no visit that day"],
      ["free_text", "notes", "geboren am 12.04.1987"],
      ["free_text", "notes", "Age 93, lives independently"],
      ["free_text", "notes", "91-year-old male volunteer"],
      ["free_text", "notes", "aged 90"],
    ],
    safe: [
      ["free_text", "notes", "Screening visit 2026-03-14 08:30, fasted 10 h"],
      ["free_text", "notes", "Visit on 12 April 2026, dosing on Day 1"],
      ["free_text", "notes", "AE onset April 12, 2026, resolved April 14, 2026"],
      ["free_text", "notes", "Age 34, BMI 22.8, non-smoker"],
      ["free_text", "notes", "Dose 90 mg once daily"],
      ["free_text", "notes", "Born in 1987"],
      ["date", "dateOfBirth", "1987-04-12"],
    ],
  },
  {
    category: "9. health plan beneficiary numbers",
    rule: ["health-plan-number", "identifier-field"],
    refused: [
      ["free_text", "notes", "Medicare 1EG4-TE5-MK73"],
      ["free_text", "notes", "MBI 1EG4TE5MK73 on file"],
      ["free_text", "notes", "Medicaid ID 12345678901"],
      ["free_text", "notes", "Insurance member ID XKZ123456789"],
      ["free_text", "notes", "BlueCross subscriber 987654321"],
      ["free_text", "notes", "Policy number 4471-0092-33"],
      ["free_text", "notes", "Versichertennummer A123456780"],
      ["identifier", "medicareNumber", "1EG4-TE5-MK73"],
      ["identifier", "insuranceId", "XKZ123456789"],
      ["identifier", "memberId", "W1234 5678"],
    ],
    safe: [
      ["free_text", "notes", "Insurance covered by the sponsor (CTA clause 12)"],
      ["free_text", "notes", "Member of cohort 3"],
      ["free_text", "notes", "Cohort 5 SRC meeting 2026-06-01 14:00-15:30"],
      ["identifier", "lot", "LOT 2403-0017"],
    ],
  },
  {
    category: "11. certificate and licence numbers",
    rule: ["licence-number", "identifier-field"],
    refused: [
      ["free_text", "notes", "Passport 533380006 checked at admission"],
      ["free_text", "notes", "Passport no. C01X00T47"],
      ["free_text", "notes", "ID checked: driver's license D1234567 (CA)"],
      ["free_text", "notes", "Driving licence MORGA753116SM9IJ"],
      ["free_text", "notes", "DL# 123-456-789 (Illinois)"],
      ["free_text", "notes", "Führerschein B072RRE2I55"],
      ["free_text", "notes", "P<GBRDOE<<JANE<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"],
      ["free_text", "notes", "Identity card T22000129"],
      ["identifier", "passportNumber", "533380006"],
      ["identifier", "driversLicense", "D1234567"],
    ],
    safe: [
      ["free_text", "notes", "ID card checked, photo matches"],
      ["free_text", "notes", "ICF v3.0 dated 2026-01-10"],
      ["free_text", "notes", "Licensed pharmacist dispensed kit K-000512"],
      ["free_text", "notes", "Hb 14.2 g/dL, WBC 6.1 x10^9/L"],
    ],
  },
  {
    category: "12. vehicle identifiers and licence plates",
    rule: ["vehicle-identifier", "identifier-field"],
    refused: [
      ["free_text", "notes", "Parked car VIN 1HGCM82633A004352 in bay 4"],
      ["free_text", "notes", "Car reg AB12 CDE, free parking permit issued"],
      ["free_text", "notes", "Licence plate 7ABC123"],
      ["free_text", "notes", "Kennzeichen B-AB 1234"],
      ["identifier", "licensePlate", "7ABC123"],
    ],
    safe: [
      ["free_text", "notes", "PK samples on plate 12, well B3"],
      ["free_text", "notes", "Trial registration NCT01234567"],
      ["free_text", "notes", "Drives to the unit; parking permit issued"],
      // Synthetic addresses whose local part has a VIN's length and mix of letters and digits.
      ["email", "email", "bbeahanlynch10176@mail.example.net"],
      ["free_text", "notes", "Reachable at joany.mcclurebayer10258@volunteers.test after 5 pm"],
    ],
  },
  {
    category: "13. device identifiers and serial numbers",
    rule: ["device-identifier", "identifier-field"],
    refused: [
      ["free_text", "medicalHistory", "Pacemaker serial PJN123456, implanted 2019"],
      ["free_text", "notes", "Insulin pump S/N 10293847"],
      ["free_text", "notes", "Phone IMEI 490154203237518"],
      ["free_text", "notes", "CGM SN: 2XK4-99812"],
      ["identifier", "deviceSerial", "PJN123456"],
    ],
    safe: [
      ["free_text", "notes", "Serial ECGs at 08:00 and 08:30"],
      ["free_text", "notes", "Serial dilution 1:10"],
      ["free_text", "medicalHistory", "Pacemaker since 2019"],
    ],
  },
  {
    category: "14. web addresses",
    rule: ["web-address", "identifier-field"],
    refused: [
      ["free_text", "notes", "Profile https://www.facebook.com/jane.doe.5"],
      ["free_text", "notes", "found via instagram.com/jdoe_87"],
      ["free_text", "notes", "Instagram: @jdoe_87"],
      ["free_text", "notes", "blog at www.janedoe-running.co.uk"],
      ["free_text", "notes", "See https://linkedin.com/in/jane-doe-4b1a"],
      ["identifier", "website", "janedoe.net"],
    ],
    safe: [
      ["free_text", "notes", "Details at https://www.example.com/protocol"],
      ["free_text", "notes", "Contacted via WhatsApp 2 times, no reply"],
      ["free_text", "notes", "Reminder e-mail sent to v.0123@example.com"],
    ],
  },
  {
    category: "15. IP addresses",
    rule: ["ip-address", "identifier-field"],
    refused: [
      ["free_text", "notes", "eDiary synced from 192.168.14.27"],
      ["free_text", "notes", "Login from 81.2.69.160 flagged"],
      ["free_text", "notes", "Device address 2001:db8:85a3::8a2e:370:7334"],
      ["free_text", "notes", "IPv6 fe80::1ff:fe23:4567:890a"],
      ["identifier", "ipAddress", "10.0.0.5"],
    ],
    safe: [
      ["free_text", "notes", "Vital signs taken at 07:55, 08:25 and 09:10"],
      ["free_text", "notes", "Holter from 2026-03-14 09:00:00 to 2026-03-15 09:00:00"],
      ["free_text", "notes", "Randomised 2:1 active:placebo"],
      ["free_text", "notes", "Site 101, room 3.12, building B"],
      ["free_text", "notes", "Protocol version 2.1 amendment 3"],
    ],
  },
];

const rulesOf = (rule: PhiRule | PhiRule[]) => (Array.isArray(rule) ? rule : [rule]);

describe("HIPAA Safe Harbor categories", () => {
  for (const { category, rule, refused, safe } of categories) {
    it(`refuses ${category} and lets the clinical text beside them pass`, () => {
      const missed = refused
        .map(([kind, field, value]) => ({ value, found: checkValue(field, value, kind) }))
        .filter(({ found }) => !found || !rulesOf(rule).includes(found.rule))
        .map(({ value, found }) => `${value} -> ${found?.rule ?? "accepted"}`);
      expect(missed).toEqual([]);
      const refusedSafe = safe
        .map(([kind, field, value]) => ({ value, found: checkValue(field, value, kind) }))
        .filter(({ found }) => found !== null)
        .map(({ value, found }) => `${value} -> ${found?.rule}`);
      expect(refusedSafe).toEqual([]);
    });
  }

  it("masks what it refuses in the reason", () => {
    const found = checkValue("notes", "Passport 533380006 checked", "free_text");
    expect(found?.reason).not.toContain("533380006");
  });
});
