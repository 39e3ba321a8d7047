import { describe, expect, it } from "vitest";
import {
  ALLOWED_EMAIL_DOMAINS,
  AU_FICTIONAL_MOBILES,
  checkValue,
  type FieldKind,
  guardRecord,
  isAllowedEmailDomain,
  isFictionalPhone,
  shapeOf,
  TEXT_RULES,
} from "./phi-guard.js";

type Case = readonly [kind: FieldKind, field: string, value: string];

/**
 * Values that must be refused: what a real Phase 1 volunteer database (or a careless CSV export of
 * one) holds. Every identifier below is either a published example/test value or made up for this
 * table; none is knowingly a real person's.
 */
const REAL_LOOKING: readonly Case[] = [
  // E-mail addresses outside the reserved domains: free mail, company, hospital, look-alikes.
  ["email", "email", "jane.doe@gmail.com"],
  ["email", "email", "m.schneider@gmx.de"],
  ["email", "email", "tom_baker1987@hotmail.co.uk"],
  ["email", "email", "priya.k@outlook.com"],
  ["email", "email", "j.smith@pfizer.com"],
  ["email", "email", "anna.berg@charite.de"],
  ["email", "email", "kevin.o'brien@yahoo.com"],
  ["email", "email", "lucy+trial@icloud.com"],
  ["email", "email", "r.martin@nhs.net"],
  ["email", "email", "sara.lopez@protonmail.com"],
  ["email", "email", "mike@smithfamily.us"],
  ["email", "email", "info@example.co.uk"],
  ["email", "email", "a.b@examples.com"],
  ["email", "email", "test@test.com"],
  ["email", "email", "nobody@invalid.com"],
  ["email", "email", "jdoe@mail.example.com.au"],
  ["email", "email", "x.li@corp.local"],
  ["email", "email", "Jane.Doe@GMAIL.COM"],
  ["email", "email", "jdoe at gmail dot com"],
  ["email", "email", "jdoe[at]hotmail[dot]com"],
  ["free_text", "notes", "Contact peter.mueller@web.de re: screening visit"],
  ["free_text", "notes", "Wife (jane.smith@gmail.com) asked for the lab results"],
  // Phone numbers: North America outside 555-0100..0199, UK outside the Ofcom ranges, Australia
  // outside the ACMA list, Germany, France.
  ["phone", "phone", "(415) 555-2671"],
  ["phone", "phone", "+1 212 736 5000"],
  ["phone", "phone", "212.736.5000"],
  ["phone", "phone", "1-800-275-2273"],
  ["phone", "phone", "617 555 0200"],
  ["phone", "phone", "+1 (650) 253-0000"],
  ["phone", "phone", "555-1212"],
  ["phone", "phone", "2025550099"],
  ["phone", "phone", "3125551234"],
  ["phone", "phone", "020 7946 1000"],
  ["phone", "phone", "07700 901234"],
  ["phone", "phone", "07911 123456"],
  ["phone", "phone", "+44 7911 123456"],
  ["phone", "phone", "+44 (0)20 7219 3000"],
  ["phone", "phone", "0113 243 3144"],
  ["phone", "phone", "01632 961000"],
  ["phone", "phone", "0412 345 678"],
  ["phone", "phone", "+61 2 9374 4000"],
  ["phone", "phone", "(02) 9374 4000"],
  ["phone", "phone", "0491 570 160"],
  ["phone", "phone", "0491 570 100"],
  ["phone", "phone", "+49 30 12345678"],
  ["phone", "phone", "030 12345678"],
  ["phone", "phone", "0151 23456789"],
  ["phone", "phone", "+49 (0)89 1234567"],
  ["phone", "phone", "089/1234567"],
  ["phone", "phone", "+33 1 42 68 53 00"],
  ["phone", "phone", "06 12 34 56 78"],
  ["free_text", "notes", "Called volunteer on 07911 123456 to rebook Day 28"],
  ["free_text", "notes", "Prefers texts: +1 (617) 555-0342"],
  ["free_text", "notes", "Emergency contact (wife) 0412 345 678"],
  ["free_text", "notes", "Ring back on 4155552671 after 5pm"],
  ["free_text", "notes", "Mobile 0176 98765432, landline 089 1234567"],
  ["free_text", "notes", "Tel: 06.12.34.56.78 (mother)"],
  ["free_text", "notes", "Call 07911 123456 12 times?! No answer"],
  ["name", "lastName", "Smith 0412 345 678"],
  ["free_text", "notes", "WhatsApp 447911123456"],
  ["free_text", "notes", "tel:+14155552671"],
  ["free_text", "notes", "Room 12 07911 123456"],
  // US Social Security numbers, every shape refused.
  ["identifier", "externalId", "123-45-6789"],
  ["identifier", "externalId", "078-05-1120"],
  ["identifier", "externalId", "219 09 9999"],
  ["identifier", "ssn", "123456789"],
  ["identifier", "ssnLast4", "6789"],
  ["free_text", "notes", "SSN 536904399 on the consent form"],
  ["free_text", "notes", "Volunteer SSN: 457-55-5462 verified"],
  ["identifier", "externalId", "000-12-3456"],
  ["identifier", "externalId", "666-12-3456"],
  ["identifier", "externalId", "912-70-1234"],
  // UK National Insurance numbers.
  ["identifier", "externalId", "QQ123456C"],
  ["identifier", "externalId", "AB 12 34 56 C"],
  ["identifier", "externalId", "ab123456d"],
  ["free_text", "notes", "NI no. JG103759A on file"],
  ["identifier", "nationalInsurance", "PN 12 34 56 B"],
  // Payment cards (Luhn-valid).
  ["free_text", "notes", "Travel reimbursement to card 4532 0151 1283 0366"],
  ["identifier", "externalId", "4111 1111 1111 1111"],
  ["identifier", "externalId", "4242-4242-4242-4242"],
  ["identifier", "externalId", "5555555555554444"],
  ["identifier", "externalId", "378282246310005"],
  ["identifier", "externalId", "6011 1111 1111 1117"],
  ["identifier", "externalId", "3530111333300000"],
  ["free_text", "notes", "Paid via 5105 1051 0510 5100 exp 09/27"],
  ["free_text", "notes", "Ref 12 4024 0071 6072 5387 refunded"],
  // IBANs (valid checksum).
  ["identifier", "bankAccount", "DE89 3704 0044 0532 0130 00"],
  ["identifier", "bankAccount", "GB29 NWBK 6016 1331 9268 19"],
  ["identifier", "bankAccount", "FR14 2004 1010 0505 0001 3M02 606"],
  ["identifier", "bankAccount", "NL91ABNA0417164300"],
  ["identifier", "bankAccount", "gb82west12345698765432"],
  ["identifier", "bankAccount", "ES91 2100 0418 4502 0005 1332"],
  ["identifier", "bankAccount", "CH93 0076 2011 6238 5295 7"],
  ["free_text", "notes", "Reimburse to IBAN BE68 5390 0754 7034 from petty cash"],
  ["free_text", "notes", "Stipend account AT61 1904 3002 3457 3201"],
  ["identifier", "bankAccount", "IT60 X054 2811 1010 0000 0123 456"],
  // Medical record and hospital numbers.
  ["free_text", "notes", "MRN 00482913"],
  ["free_text", "notes", "MRN: 4829130 (St Elsewhere)"],
  ["free_text", "notes", "mrn#1234567"],
  ["free_text", "notes", "MR# 7654321"],
  ["free_text", "notes", "Old chart MR #0048291"],
  ["free_text", "notes", "Hospital number 1234567"],
  ["free_text", "notes", "Patient No. 88123456"],
  ["free_text", "notes", "Medical record number 12345678"],
  ["free_text", "notes", "Chart #7654321 requested from GP"],
  ["identifier", "mrn", "48291307"],
  ["identifier", "hospitalNumber", "7712345"],
  ["free_text", "notes", "NHS number 943 476 5919"],
  ["free_text", "notes", "Referred from Guy's, hosp no 3345678"],
  ["free_text", "notes", "UR number 123456 at the Alfred"],
  // Street addresses with a house number.
  ["free_text", "address", "221B Baker Street"],
  ["free_text", "address", "1600 Pennsylvania Ave NW"],
  ["free_text", "address", "12 rue de la Paix"],
  ["free_text", "address", "Hauptstraße 5"],
  ["free_text", "address", "10 Downing Street, London"],
  ["free_text", "address", "742 Evergreen Terrace"],
  ["free_text", "address", "4 Privet Drive"],
  ["free_text", "address", "350 Fifth Avenue"],
  ["free_text", "address", "1 Infinite Loop"],
  ["free_text", "address", "Berliner Str. 12"],
  ["free_text", "address", "Goethestr. 10a"],
  ["free_text", "address", "Calle Mayor 5"],
  ["free_text", "address", "Via Roma 12"],
  ["free_text", "address", "Kerkstraat 12"],
  ["free_text", "address", "Am Markt 3"],
  ["free_text", "address", "5 avenue des Champs-Élysées"],
  ["free_text", "address", "Unit 3, 45 Collins St, Melbourne"],
  ["free_text", "notes", "Lives at 31 Spooner St."],
  ["free_text", "address", "Flat 2, 17 Church Road"],
  ["free_text", "address", "P.O. Box 1234"],
  ["free_text", "address", "3 boulevard Haussmann"],
  ["free_text", "address", "Schillerplatz 2"],
  ["free_text", "address", "22 acacia avenue"],
  ["free_text", "address", "5 The Crescent"],
  ["free_text", "address", "Address: 1234 Elm St Apt 5B"],
  ["free_text", "notes", "Moved to 48 Wall Street last month"],
  ["free_text", "notes", "Meeting point: 3 place de la Concorde"],
  ["free_text", "address", "Unter den Linden 77"],
  ["free_text", "address", "Rua Augusta 100"],
  // Postcodes more precise than Safe Harbor allows.
  ["postcode", "postcode", "94110"],
  ["postcode", "postcode", "94110-1234"],
  ["postcode", "postcode", "SW1A 2AA"],
  ["postcode", "postcode", "10117"],
  ["postcode", "postcode", "K1A 0B1"],
  ["postcode", "postcode", "036"],
  ["postcode", "postcode", "1012 AB"],
  ["free_text", "notes", "Moved to Leeds LS1 4AP in March"],
  ["free_text", "notes", "Springfield, IL 62704"],
  // Two batches written after the rules, as a check on them (see the note in the corpus test).
  ["free_text", "notes", "Pt daughter's number 0403 555 919"],
  ["free_text", "notes", "call mum on 07723 456789"],
  ["phone", "phone", "+1-303-499-7111"],
  ["phone", "phone", "(303)4997111"],
  ["free_text", "notes", "Home: 55 Oak Lane, Leeds"],
  ["free_text", "notes", "lives 14 Queen's Road"],
  ["free_text", "notes", "Address 7 Marine Parade Brighton"],
  ["free_text", "notes", "SSN 321 54 9876"],
  ["free_text", "notes", "social sec # 321549876"],
  ["email", "email", "b.rossi@libero.it"],
  ["free_text", "notes", "email bob.jones@nhs.uk for records"],
  ["free_text", "notes", "MRN-00991234"],
  ["free_text", "notes", "Hosp. No: 0012345"],
  ["identifier", "externalId", "JT 45 67 89 B"],
  ["free_text", "notes", "Card ending 4111111111111111"],
  ["free_text", "notes", "Bankverbindung DE44 5001 0517 5407 3249 31"],
  ["free_text", "notes", "Ph. 9876 5432 after 6pm"],
  ["free_text", "notes", "Mob +61 412 345 678"],
  ["free_text", "notes", "Lindenstraße 23, Berlin"],
  ["free_text", "notes", "c/ Alcalá 45, Madrid"],
  ["postcode", "postcode", "2000"],
  ["free_text", "notes", "1 Main Street, Anytown"],
  ["free_text", "notes", "her cell is 303-499-7111"],
  ["free_text", "notes", "landline 01865 270000"],
  ["free_text", "notes", "Fax: +44 161 275 2000"],
  ["free_text", "notes", "Brother's email: sam.w@btinternet.com"],
  ["free_text", "notes", "Lives at 9 Mill Lane with partner"],
  ["free_text", "notes", "New address 120 Queen St W"],
  ["free_text", "notes", "Adresse: 8 allée des Tilleuls"],
  ["free_text", "notes", "Wohnt in der Bahnhofstr. 3"],
  ["free_text", "notes", "SSN# 512-44-0921"],
  ["identifier", "insurance", "NINO SK 55 11 22 D"],
  ["free_text", "notes", "Visa 4917 6100 0000 0000"],
  ["free_text", "notes", "IBAN: GB33BUKB20201555555555"],
  ["free_text", "notes", "Epic MRN E1234567"],
  ["free_text", "notes", "NHS No 485 777 3456"],
  ["phone", "mobile", "0412345678"],
  ["phone", "mobile", "+61412345678"],
  ["email", "email", "pat@company.co"],
  ["free_text", "notes", "p/w sent to ana.lima@uol.com.br"],
];

/**
 * Values that must be accepted: synthetic volunteers (faker-style names, reserved domains, fictional
 * numbers) and the clinical content a Phase 1 unit writes every day.
 */
const SAFE: readonly Case[] = [
  // Names: the guard cannot judge them (see the module comment), so they must pass.
  ["name", "firstName", "Amelia"],
  ["name", "lastName", "Hart"],
  ["name", "lastName", "Nowak"],
  ["name", "lastName", "O'Connor"],
  ["name", "firstName", "Jean-Luc"],
  ["name", "lastName", "van der Berg"],
  ["name", "lastName", "Müller"],
  ["name", "firstName", "José Álvarez"],
  ["name", "firstName", "Aiko"],
  // E-mail addresses at reserved domains.
  ["email", "email", "amelia.hart@example.com"],
  ["email", "email", "t.nowak@example.net"],
  ["email", "email", "volunteer0123@example.org"],
  ["email", "email", "j.moreau@mail.example.com"],
  ["email", "email", "coordinator@site.example"],
  ["email", "email", "pi@research.test"],
  ["email", "email", "bounce@nowhere.invalid"],
  ["email", "email", "dev@localhost"],
  ["email", "email", "Jane.Doe@EXAMPLE.COM"],
  ["email", "email", "a+tag@clinic.example"],
  ["email", "email", "noreply@sandbox.convene.test"],
  ["email", "email", "jmoreau [at] example [dot] com"],
  // Fictional phone numbers.
  ["phone", "phone", "555-0100"],
  ["phone", "phone", "555-0199"],
  ["phone", "phone", "(415) 555-0123"],
  ["phone", "phone", "+1 (212) 555-0142"],
  ["phone", "phone", "1-800-555-0199"],
  ["phone", "phone", "212.555.0175"],
  ["phone", "phone", "+1 415 555 0100"],
  ["phone", "phone", "01632 960000"],
  ["phone", "phone", "01632 960999"],
  ["phone", "phone", "07700 900123"],
  ["phone", "phone", "+44 7700 900456"],
  ["phone", "phone", "020 7946 0321"],
  ["phone", "phone", "+44 (0)20 7946 0999"],
  ["phone", "phone", "0113 496 0555"],
  ["phone", "phone", "028 9649 6123"],
  ["phone", "phone", "0491 570 006"],
  ["phone", "phone", "0491 570 156"],
  ["phone", "phone", "+61 491 570 159"],
  ["phone", "phone", "(02) 5550 1234"],
  ["phone", "phone", "+61 3 7010 4321"],
  ["phone", "phone", "555-0123 ext. 45"],
  // Study and sample identifiers.
  ["identifier", "subjectNumber", "S101-001"],
  ["identifier", "subjectNumber", "S101-012"],
  ["identifier", "protocolNumber", "CV-2026-014"],
  ["identifier", "protocolNumber", "PK-2025-003-A"],
  ["identifier", "displayId", "VOL-000123"],
  ["identifier", "displayId", "V0004567"],
  ["identifier", "screeningNumber", "SCR-0042"],
  ["identifier", "lot", "Lot 23K09-117"],
  ["identifier", "lot", "LOT240315A"],
  ["identifier", "kit", "Kit 000417"],
  ["identifier", "randomisation", "Randomisation no. 1042"],
  ["identifier", "labId", "4716220199340087"],
  ["identifier", "labId", "4716 2201 9934 0088"],
  ["identifier", "labId", "5500 0000 0000 0005"],
  ["identifier", "eudract", "EudraCT 2025-001234-56"],
  ["identifier", "registry", "NCT05512345"],
  ["identifier", "registry", "ISRCTN12345678"],
  ["identifier", "ind", "IND 123456"],
  ["identifier", "invoice", "INV-2026-00417"],
  ["identifier", "accession", "Accession 2026031401"],
  ["identifier", "barcode", "Kit barcode 5012345678901"],
  ["identifier", "bankAccount", "DE00 1234 5678 9012 3456 78"],
  ["identifier", "bankAccount", "NL00ABCD0123456789"],
  ["identifier", "bankAccount", "GB28 NWBK 6016 1331 9268 19"],
  ["identifier", "screeningNumber", "000123456"],
  // Postcodes and regions at Safe Harbor precision.
  ["postcode", "postcode", "941"],
  ["postcode", "postcode", "100"],
  ["postcode", "postcode", "000"],
  ["postcode", "postcode", "021"],
  ["postcode", "postcode", "941**"],
  ["postcode", "postcode", "SW1A"],
  ["postcode", "postcode", "LS1"],
  ["postcode", "postcode", "M1"],
  ["free_text", "region", "California"],
  ["free_text", "region", "Greater London"],
  // Dates.
  ["date", "dateOfBirth", "1987-04-12"],
  ["date", "dateOfBirth", "12/04/1987"],
  ["date", "dateOfBirth", "04.12.1987"],
  ["date", "dateOfBirth", "1987"],
  ["date", "screeningDate", "12 Apr 2026"],
  ["date", "visitAt", "2026-03-14T08:30:00Z"],
  // Visit notes and clinical free text.
  ["free_text", "location", "Ward 4, Bed 12"],
  ["free_text", "notes", "Cohort 3 dose 50 mg"],
  ["free_text", "notes", "Day 1 pre-dose vitals: BP 128/82, HR 64, RR 14, temp 36.7 °C"],
  ["free_text", "notes", "PK samples at 0.5, 1, 2, 4, 8, 12, 24 and 48 h post-dose"],
  ["free_text", "notes", "BMI 24.3 kg/m2 (height 178 cm, weight 77.0 kg)"],
  ["free_text", "notes", "Screening visit 2026-03-14 08:30, fasted 10 h"],
  ["free_text", "notes", "ECG QTcF 412 ms at 2026-03-14 10:15"],
  ["free_text", "notes", "Volunteer S101-007 withdrew consent on Day 8"],
  ["free_text", "notes", "AE: mild headache, onset 2026-03-15 14:20, resolved 2026-03-15 18:00"],
  ["free_text", "notes", "Creatinine 88 µmol/L, ALT 23 U/L, AST 19 U/L"],
  ["free_text", "notes", "Dose escalation to 100 mg after SRC on 2026-04-02"],
  ["free_text", "notes", "Protocol CV-2026-014 amendment 2 approved"],
  ["free_text", "notes", "Lot 23K09-117 expiry 2027-06-30"],
  ["free_text", "notes", "Randomised 2:1 active:placebo"],
  ["free_text", "notes", "Hb 14.2 g/dL, WBC 6.1 x10^9/L, Plt 245 x10^9/L"],
  ["free_text", "notes", "Caffeine-free 48 h before admission; usually 3 cups coffee per day"],
  ["free_text", "notes", "Smoker: no; alcohol 4 units/week"],
  ["free_text", "notes", "Eligible for cohorts 2 and 3; prefers weekend visits"],
  ["free_text", "notes", "Return visit Day 28 ± 2"],
  ["free_text", "notes", "Sample lab id 4716220199340087 haemolysed, redraw"],
  ["free_text", "notes", "Lab id 4716 2201 9934 0088 received 2 tubes"],
  ["free_text", "notes", "Urine drug screen negative (lot 240315A)"],
  ["free_text", "notes", "Infusion rate 125 mL/h over 30 min"],
  ["free_text", "notes", "Vital signs taken at 07:55, 08:25 and 09:10"],
  ["free_text", "notes", "Volunteer 0042 called to rebook (see phone field)"],
  ["free_text", "notes", "Test number 555-0123 used for SMS reminders"],
  ["free_text", "notes", "Ring the ward on 020 7946 0123"],
  ["free_text", "notes", "Reminder e-mail sent to v.0123@example.com"],
  ["free_text", "notes", "Weight 82.5 kg, height 1.80 m"],
  ["free_text", "notes", "Screening no. 1234, patient no. 12"],
  ["free_text", "location", "Room 221B"],
  ["free_text", "notes", "3 way crossover, 2 periods, washout 7 days"],
  ["free_text", "notes", "Patient 3 saw Dr Patel at 3 pm"],
  ["free_text", "notes", "Subject 12 took 2 tablets with 240 mL water"],
  ["free_text", "notes", "Transferred to Bed 12 on Ward 4 at 14:00"],
  ["free_text", "notes", "Follow-up call on Day 14; no AEs"],
  ["free_text", "notes", "Temp 37.1, 36.9, 36.8 over 3 readings"],
  ["free_text", "notes", "Dosed 08:00; PK 0.25 0.5 1 2 4 h"],
  ["free_text", "notes", "Holter from 2026-03-14 09:00 to 2026-03-15 09:00"],
  ["free_text", "location", "Site 101, room 3.12, building B"],
  ["free_text", "notes", "Enrolled in S101 cohort 3 on 2026-03-20; subject no. S101-015"],
  ["free_text", "notes", "ZIP3 941, region California"],
  ["free_text", "notes", "Creatinine clearance 105 mL/min (Cockcroft-Gault)"],
  ["free_text", "notes", "Visit window -2/+3 days"],
  ["free_text", "notes", "Dose 0.3 mg/kg IV over 60 min"],
  ["free_text", "notes", "Jogs 5 km along Park Road daily"],
  ["free_text", "notes", "Had a head CT in 2019, normal"],
  ["free_text", "notes", "Contacted via WhatsApp 2 times, no reply"],
  ["free_text", "notes", "Lives alone with 2 dogs; works night shifts"],
  ["free_text", "notes", "Dose levels 25, 50, 100, 200 mg; sentinel dosing 1+1"],
  ["free_text", "notes", "Meet at Entrance 2 North Gate, Clinical Research Unit"],
  ["free_text", "notes", "1st degree AV block on Day 3 ECG, PR 212 ms"],
  ["free_text", "notes", "Blood volume drawn this period: 312 mL of 550 mL limit"],
  ["free_text", "notes", "Kit 2026-0417 dispensed, 14 capsules"],
  ["free_text", "notes", "Inclusion: BMI 18.5-30.0, weight ≥ 50 kg"],
  ["free_text", "notes", "Study ID 123456; see ICF v3.0 dated 2026-01-10"],
  ["free_text", "notes", "Planned dose levels 100 200 400 800 1600 mg"],
  ["free_text", "notes", "Follows NHS 2026 vaccination guidance"],
  ["free_text", "notes", "Volunteer ID 12345 re-consented"],
  ["free_text", "notes", "ECG 12-lead at 08:00 and 08:30"],
  ["identifier", "sampleId", "Sample 20260314-07"],
  ["free_text", "bmi", "24.3"],
  ["free_text", "bmi", "31.0"],
  ["free_text", "height", "178"],
  ["free_text", "weight", "77.4"],
  ["free_text", "sex", "female"],
  ["free_text", "status", "screening"],
  ["free_text", "zip3", "941"],
  // Two batches written after the rules, as a check on them (see the note in the corpus test).
  ["free_text", "notes", "Day -1 admission, Day 1 dosing at 08:00, discharge Day 4"],
  ["free_text", "notes", "Troponin < 14 ng/L; CK 120 U/L"],
  ["free_text", "notes", "Period 2 dosing delayed 1 day due to AE 2026-05-02"],
  ["free_text", "notes", "Cohort 4 (n=8, 6 active : 2 placebo)"],
  ["free_text", "notes", "Screening labs repeated; eGFR 92 mL/min/1.73m2"],
  ["free_text", "notes", "PK tube 3 of 18 missed at 4 h"],
  ["free_text", "notes", "Subject S102-104 replaced by S102-110"],
  ["free_text", "notes", "Vein access difficult, used 21G butterfly"],
  ["free_text", "notes", "Lunch at 12:30, snack 16:00"],
  ["free_text", "notes", "Heart rate 48-62 bpm over 24 h Holter"],
  ["free_text", "notes", "Kit 0417-2026-1180 dispensed by pharmacy"],
  ["free_text", "notes", "SAE reported within 24 h (ref SAE-2026-0007)"],
  ["free_text", "notes", "Dose 1200 mg given as 3 x 400 mg capsules"],
  ["free_text", "notes", "Visit 5 rescheduled to Week 6"],
  ["free_text", "notes", "Taken to Room 4 for ECG"],
  ["free_text", "notes", "Weight change -1.2 kg since baseline"],
  ["free_text", "notes", "ALT 3 x ULN on Day 8, repeat on Day 10"],
  ["free_text", "notes", "Samples shipped batch 20260316 to central lab"],
  ["identifier", "labId", "LAB-2026-000123"],
  ["identifier", "barcode", "123456789012"],
  ["free_text", "notes", "Randomisation list v2 block size 4"],
  ["free_text", "notes", "Protocol deviation PD-014: window missed by 2 h"],
  ["free_text", "notes", "Call made to volunteer on Day 3 at 10:00 - no answer"],
  ["free_text", "notes", "Text reminder sent 2026-03-13 18:00"],
  ["free_text", "notes", "Phone visit Day 14 completed"],
  ["free_text", "notes", "Ring binder 2 filed in room 12"],
  ["free_text", "notes", "Called 3 times between 09:00 and 11:00"],
  ["free_text", "notes", "Tel. follow-up scheduled for Week 4"],
  ["free_text", "notes", "Mobile unit 2 used for home visit"],
  ["free_text", "notes", "Cell count 4.5 x10^9/L"],
  ["free_text", "notes", "Text 1 of 2 in the ICF signed"],
  ["free_text", "notes", "Cohort 5 SRC meeting 2026-06-01 14:00-15:30"],
  ["free_text", "notes", "Ph 7.41 on ABG"],
  ["free_text", "notes", "Nicotine cotinine < 10 ng/mL"],
  ["free_text", "notes", "Dosing room 2, chair 6"],
  ["free_text", "notes", "Infusion started 10:02, stopped 10:32 (30 min)"],
  ["free_text", "notes", "eCRF page 12 of 40 queried"],
  ["free_text", "notes", "Sponsor ref ABC-123-456-789"],
  ["free_text", "notes", "Washout 14 days between Period 1 and Period 2"],
  ["free_text", "notes", "Age 34, BMI 22.8, non-smoker"],
  ["identifier", "lot", "LOT 2403-0017"],
  ["identifier", "kitId", "K-000512"],
];

interface Tally {
  wrong: string[];
  total: number;
}

function tally(cases: readonly Case[], shouldRefuse: boolean): Tally {
  const wrong: string[] = [];
  for (const [kind, field, value] of cases) {
    const found = checkValue(field, value, kind);
    if ((found !== null) !== shouldRefuse) {
      wrong.push(
        `${kind} ${field}=${JSON.stringify(value)}${found ? ` (${found.rule}: ${found.reason})` : ""}`,
      );
    }
  }
  return { wrong, total: cases.length };
}

/*
 * How to read the figures: the first part of each table was written together with the rules, so it
 * is a regression set rather than an unbiased sample. The two batches at the end were written
 * afterwards without looking at the rules; the first of them found three false accepts (a spelled
 * "social sec #", an Australian local number without area code after "Ph.", a Spanish "c/" street)
 * and one false reject ("Kit 0417-2026-1180": a dashed number with a leading 0 read as a national
 * phone number; numbers labelled as kits, lots or samples, or followed by a unit, are now study items).
 * The second batch found none. New misses belong in these tables.
 */
describe("PHI guard corpus", () => {
  it("refuses every real-looking value and no safe one", () => {
    expect(REAL_LOOKING.length).toBeGreaterThanOrEqual(100);
    expect(SAFE.length).toBeGreaterThanOrEqual(100);
    const falseAccepts = tally(REAL_LOOKING, true);
    const falseRejects = tally(SAFE, false);
    console.log(
      `phi guard: ${falseAccepts.wrong.length} false accepts of ${falseAccepts.total} real-looking, ` +
        `${falseRejects.wrong.length} false rejects of ${falseRejects.total} safe`,
    );
    for (const line of falseAccepts.wrong) console.log(`  false accept: ${line}`);
    for (const line of falseRejects.wrong) console.log(`  false reject: ${line}`);
    expect(falseAccepts.wrong).toEqual([]);
    expect(falseRejects.wrong).toEqual([]);
  });
});

describe("PHI guard rule preconditions", () => {
  it("hold for every value of the corpus that a rule finds something in", () => {
    const skipped: string[] = [];
    for (const [, , value] of [...REAL_LOOKING, ...SAFE]) {
      const text = value.normalize("NFKC");
      for (const rule of TEXT_RULES) {
        if (rule.find(text) !== null && !rule.possible(shapeOf(text))) skipped.push(`${rule.rule}: ${value}`);
      }
    }
    expect(skipped).toEqual([]);
  });
});

describe("PHI guard findings", () => {
  it("names the field and the rule", () => {
    const found = checkValue("contactEmail", "jane.doe@gmail.com", "email");
    expect(found).toMatchObject({ field: "contactEmail", rule: "email-not-reserved" });
    expect(found?.reason).toContain('"contactEmail"');
    expect(found?.reason).toContain("e-mail address");
    expect(found?.reason).toContain("example.com/.net/.org, *.example, *.test, *.invalid");
  });

  it("masks the offending value in the reason", () => {
    const cases: [FieldKind, string, string, string[]][] = [
      ["identifier", "externalId", "123-45-6789", ["123-45-6789", "45-67", "12345"]],
      ["email", "email", "jane.doe@gmail.com", ["jane.doe", "gmail"]],
      ["phone", "phone", "07911 123456", ["07911", "123456"]],
      ["free_text", "notes", "card 4111 1111 1111 1111", ["4111 1111", "1111 1111"]],
      ["free_text", "address", "221B Baker Street", ["Baker", "221B"]],
      ["identifier", "bankAccount", "DE89 3704 0044 0532 0130 00", ["3704", "0532"]],
    ];
    for (const [kind, field, value, fragments] of cases) {
      const reason = checkValue(field, value, kind)?.reason ?? "";
      expect(reason, value).not.toBe("");
      for (const fragment of fragments) expect(reason, value).not.toContain(fragment);
    }
    expect(checkValue("externalId", "123-45-6789", "identifier")?.reason).toContain("1**-**-**89");
    expect(checkValue("email", "jane.doe@gmail.com", "email")?.reason).toContain("j***@g***.com");
  });

  it("refuses free text that contains an SSN", () => {
    const found = checkValue(
      "medicalHistory",
      "Appendectomy 2015; SSN 078-05-1120 given by mistake",
      "free_text",
    );
    expect(found?.rule).toBe("us-ssn");
    expect(found?.field).toBe("medicalHistory");
  });

  it("lets empty values pass", () => {
    for (const kind of ["email", "phone", "name", "date", "postcode", "free_text", "identifier"] as const) {
      expect(checkValue("any", "", kind)).toBeNull();
      expect(checkValue("any", "   ", kind)).toBeNull();
    }
  });

  it("sees through full-width digits and zero-width spaces", () => {
    expect(checkValue("notes", "call ０７９１１ １２３４５６", "free_text")?.rule).toBe(
      "phone-not-fictional",
    );
    expect(checkValue("notes", "123\u200B-45-6789", "free_text")?.rule).toBe("us-ssn");
  });
});

describe("guardRecord", () => {
  const kinds: Record<string, FieldKind> = {
    firstName: "name",
    lastName: "name",
    email: "email",
    phone: "phone",
    dateOfBirth: "date",
    zip3: "postcode",
    medicalHistory: "free_text",
  };

  it("passes a synthetic volunteer", () => {
    const record = {
      displayId: "VOL-000123",
      firstName: "Amelia",
      lastName: "Hart",
      email: "amelia.hart@example.com",
      phone: "+44 7700 900456",
      dateOfBirth: "1987-04-12",
      zip3: "941",
      heightCm: 168,
      weightKg: 61.5,
      smoker: false,
      enrolledAt: new Date("2026-03-14T08:30:00Z"),
      medicalHistory: "Seasonal allergies; appendectomy 2015",
      studies: [{ protocol: "CV-2026-014", subject: "S101-001" }],
    };
    expect(guardRecord(record, kinds)).toEqual([]);
  });

  it("reports one finding per refused field, including unknown and nested fields", () => {
    const findings = guardRecord(
      {
        firstName: "Jane",
        email: "jane.doe@gmail.com",
        phone: "07911 123456",
        zip3: "94110",
        landline: 4155552671,
        contacts: [{ name: "Tom", phone: "555-0123" }, { note: "lives at 221B Baker Street" }],
      },
      kinds,
    );
    expect(findings.map((f) => [f.field, f.rule])).toEqual([
      ["email", "email-not-reserved"],
      ["phone", "phone-not-fictional"],
      ["zip3", "postcode-too-precise"],
      ["landline", "phone-not-fictional"],
      ["contacts[1].note", "street-address"],
    ]);
  });
});

describe("helpers for the synthetic generator", () => {
  it("exports the reserved e-mail domains", () => {
    expect(ALLOWED_EMAIL_DOMAINS).toEqual(["example.com", "example.net", "example.org"]);
    for (const domain of [
      "example.com",
      "mail.example.org",
      "site.example",
      "lab.test",
      "x.invalid",
      "localhost",
    ]) {
      expect(isAllowedEmailDomain(domain), domain).toBe(true);
    }
    for (const domain of ["gmail.com", "example.co.uk", "test.com", "examples.com", "example"]) {
      expect(isAllowedEmailDomain(domain), domain).toBe(false);
    }
  });

  it("recognises every fictional range and nothing next to it", () => {
    for (let i = 0; i < 100; i++) {
      const line = `01${String(i).padStart(2, "0")}`;
      expect(isFictionalPhone(`(212) 555-${line}`)).toBe(true);
      expect(isFictionalPhone(`+1 212 555 ${line}`)).toBe(true);
    }
    for (const mobile of AU_FICTIONAL_MOBILES) {
      expect(isFictionalPhone(mobile), mobile).toBe(true);
      expect(isFictionalPhone(`+61 ${mobile.slice(1)}`), mobile).toBe(true);
    }
    for (const value of ["07700 900000", "07700 900999", "01632 960000", "0161 496 0999", "0191 498 0000"]) {
      expect(isFictionalPhone(value), value).toBe(true);
    }
    for (const value of [
      "(212) 555-0099",
      "(212) 555-0200",
      "07700 901000",
      "01632 961000",
      "0491 570 007",
      "0491 570 155",
      "+49 30 12345678",
      "",
      "555-0123 or 07911 123456",
    ]) {
      expect(isFictionalPhone(value), value).toBe(false);
    }
  });

  it("every number the helper accepts also passes the guard in a phone field and in free text", () => {
    const samples = ["(415) 555-0123", "+44 20 7946 0123", "07700 900777", "0491 579 455", "(08) 7010 1234"];
    for (const value of samples) {
      expect(isFictionalPhone(value), value).toBe(true);
      expect(checkValue("phone", value, "phone"), value).toBeNull();
      expect(checkValue("notes", `Call ${value} after 5pm`, "free_text"), value).toBeNull();
    }
  });
});

describe("record ids", () => {
  it("never mistakes a UUID for a card or phone number", async () => {
    const { uuidv7 } = await import("uuidv7");
    const { randomUUID } = await import("node:crypto");
    const ids = [
      "01a21438-b13d-719c-9240-94935105029a",
      "01975432-1234-7abc-8def-0123456789ab",
      ...Array.from({ length: 5000 }, () => uuidv7()),
      ...Array.from({ length: 5000 }, () => randomUUID()),
    ];
    const refused = ids.filter((id) => checkValue("organisationId", id, "identifier") !== null);
    expect(refused).toEqual([]);
  });
});
