import {
  Anchor,
  Button,
  Group,
  NativeSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import {
  type Delivery,
  deliveries,
  deliveryLabels,
  kindNames,
  type NotificationKind,
  notificationKinds,
} from "../../../shared/contracts/notifications.js";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { Section } from "../../app/ui/Section.js";
import { inboxKeys, type NotificationPreferences, savePreferences, usePreferences } from "./api.js";
import { PushSwitch } from "./PushSwitch.js";

/**
 * A kind's form field: its name with `:` for the dot (`chat:mention`), since the form reads dots as
 * nesting, and at the top level, where the form-error helper puts the server's `kinds.<kind>` errors.
 */
type KindField = `${string}:${string}`;
const kindField = (kind: NotificationKind) => kind.replace(".", ":") as KindField;

type PreferencesForm = Record<KindField, Delivery> & {
  quietHoursOn: boolean;
  quietFrom: string;
  quietTo: string;
  timeZone: string;
  emailDelayMinutes: number | string;
};

const serverFieldNames: Record<string, string> = {
  ...Object.fromEntries(kindNames.map((kind) => [`kinds.${kind}`, kindField(kind)])),
  "quietHours.from": "quietFrom",
  "quietHours.to": "quietTo",
  quietHours: "quietTo",
};

const deliveryOptions = deliveries.map((delivery) => ({ value: delivery, label: deliveryLabels[delivery] }));
const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function formValues(saved: NotificationPreferences): PreferencesForm {
  const kinds = Object.fromEntries(kindNames.map((kind) => [kindField(kind), saved.kinds[kind]])) as Record<
    KindField,
    Delivery
  >;
  return {
    ...kinds,
    quietHoursOn: saved.quietHours !== null,
    quietFrom: saved.quietHours?.from ?? "22:00",
    quietTo: saved.quietHours?.to ?? "07:00",
    // Quiet hours are meant in the person's own time: for someone who never chose a zone, the browser's
    // is the best guess, and saving keeps it.
    timeZone: saved.timeZone ?? browserTimeZone,
    emailDelayMinutes: saved.emailDelayMinutes,
  };
}

/**
 * Only the kinds the person changed go to the server: one left at its default keeps following the
 * default, should the product team change it.
 */
function toChange(values: PreferencesForm, kinds: NotificationKind[], saved: NotificationPreferences) {
  const changed = kinds.filter((kind) => values[kindField(kind)] !== saved.kinds[kind]);
  return {
    kinds: Object.fromEntries(changed.map((kind) => [kind, values[kindField(kind)]])),
    quietHours: values.quietHoursOn ? { from: values.quietFrom, to: values.quietTo } : null,
    timeZone: values.timeZone,
    emailDelayMinutes: Number(values.emailDelayMinutes),
  };
}

/** The kinds this person can receive, by room, in the order they are declared. */
function kindsByRoom(isStaff: boolean): [string, NotificationKind[]][] {
  const rooms = new Map<string, NotificationKind[]>();
  for (const kind of kindNames) {
    const spec: { room: string; staffOnly?: true } = notificationKinds[kind];
    if (spec.staffOnly && !isStaff) continue;
    rooms.set(spec.room, [...(rooms.get(spec.room) ?? []), kind]);
  }
  return [...rooms];
}

function timeZoneOptions(current: string): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes(current) ? zones : [current, ...zones];
}

function PreferencesForm({ saved, isStaff }: { saved: NotificationPreferences; isStaff: boolean }) {
  const queryClient = useQueryClient();
  const rooms = kindsByRoom(isStaff);
  const form = useForm<PreferencesForm>({ initialValues: formValues(saved) });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: PreferencesForm) =>
      savePreferences(
        toChange(
          values,
          rooms.flatMap(([, kinds]) => kinds),
          saved,
        ),
      ),
    {
      onSuccess: (updated) => {
        queryClient.setQueryData(inboxKeys.preferences, updated);
        notifySuccess("Your notification preferences are saved.");
      },
      afterSuccess: "keep",
      fieldNames: serverFieldNames,
    },
  );
  const { quietHoursOn, timeZone } = form.getValues();
  const timeZoneNote =
    timeZone !== browserTimeZone
      ? undefined
      : saved.timeZone === null
        ? "Filled in from your browser: you have not chosen a time zone yet. Save to keep it."
        : "Your browser's time zone.";

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="lg">
        <ErrorAlert error={error} />
        {rooms.map(([room, kinds]) => (
          <Section key={room} title={room}>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {kinds.map((kind) => (
                <NativeSelect
                  key={kind}
                  label={notificationKinds[kind].label}
                  data={deliveryOptions}
                  {...form.getInputProps(kindField(kind))}
                />
              ))}
            </SimpleGrid>
          </Section>
        ))}
        <Section
          title="When e-mails are sent"
          description="E-mails that fall in quiet hours wait until they end. The app still shows everything at once."
        >
          <Switch label="Quiet hours" {...form.getInputProps("quietHoursOn", { type: "checkbox" })} />
          <Group grow align="flex-start">
            <TextInput
              type="time"
              label="From"
              disabled={!quietHoursOn}
              {...form.getInputProps("quietFrom")}
            />
            <TextInput type="time" label="To" disabled={!quietHoursOn} {...form.getInputProps("quietTo")} />
          </Group>
          <Select
            label="Time zone"
            description={timeZoneNote}
            searchable
            allowDeselect={false}
            data={timeZoneOptions(timeZone)}
            limit={50}
            {...form.getInputProps("timeZone")}
          />
          <NumberInput
            label="E-mail if unread after (minutes)"
            description="How long a notification set to “E-mail if unread” waits for you to read it in the app."
            min={1}
            max={1440}
            allowDecimal={false}
            w={{ base: "100%", xs: 260 }}
            {...form.getInputProps("emailDelayMinutes")}
          />
        </Section>
        <Button type="submit" loading={pending} w="fit-content">
          Save preferences
        </Button>
      </Stack>
    </form>
  );
}

/** `/settings/notifications`: how each kind of notification reaches the person, and when e-mail may. */
export function NotificationPreferencesPage() {
  const me = useSignedInMe();
  const preferences = usePreferences();
  return (
    <Page title="Notification preferences" size="md">
      <Text c="dimmed">
        Everything shows in{" "}
        <Anchor component={Link} to="/" inherit>
          For you
        </Anchor>{" "}
        unless you turn it off; choose here what is also e-mailed, and when.
      </Text>
      {preferences.isPending ? (
        <PageLoader />
      ) : preferences.isError ? (
        <ErrorAlert error={preferences.error} />
      ) : (
        <PreferencesForm saved={preferences.data} isStaff={me.isStaff} />
      )}
      <PushSwitch />
    </Page>
  );
}
