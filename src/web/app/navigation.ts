import type { Me } from "./session.js";

/**
 * `action` is the home page's link text; it never repeats the label, so "the Service desk link"
 * names the navigation entry alone.
 */
export type Area = { to: string; label: string; description: string; action: string };
export type AreaSection = { title: string | null; areas: Area[] };

/** The areas a person may use, beyond home; the navigation and the home page both list exactly these. */
export function areasFor(me: Me): AreaSection[] {
  const sections: AreaSection[] = [
    {
      title: null,
      areas: [
        {
          to: "/chat",
          label: "Chat",
          description: "Talk with the product team and other members; releases are announced here.",
          action: "Open the conversation",
        },
        me.isStaff
          ? {
              to: "/desk",
              label: "Service desk",
              description: "Work the support queue: assign, answer and resolve tickets.",
              action: "Work the queue",
            }
          : {
              to: "/desk",
              label: "Service desk",
              description: "Ask the product team for help and follow your tickets.",
              action: "See my tickets",
            },
        {
          to: "/help",
          label: "Help articles",
          description: me.isStaff
            ? "Write and publish the answers that customers find before they open a ticket."
            : "Answers from the product team, suggested as you write a ticket.",
          action: me.isStaff ? "Write the knowledge base" : "Find an answer",
        },
        {
          to: "/projects",
          label: "Projects",
          description: "Collaboration projects with the product team: board, documents, files and feedback.",
          action: "Open my projects",
        },
        {
          to: "/groups",
          label: "Groups",
          description: "Member-run groups: topics on the web and by e-mail, each at its own address.",
          action: "Find a group",
        },
        {
          to: "/ideas",
          label: "Ideas",
          description: "Ideas from members, with votes and the roadmap from review to release.",
          action: "Vote for ideas",
        },
        {
          to: "/releases",
          label: "Releases",
          description: "What changed in each version, with GA and preview features.",
          action: "Read the release notes",
        },
        ...(me.isStaff || me.organisation.kind !== "vendor"
          ? [
              {
                to: "/sandbox",
                label: "Development environment",
                description:
                  "The shared sandbox of the newest features: its agreement, your role and your users.",
                action: "Open the sandbox",
              },
            ]
          : []),
        {
          to: "/invitations",
          label: "Invitations",
          description: "Invite colleagues to the community and see who you invited.",
          action: "Invite a colleague",
        },
        {
          to: "/profile",
          label: "Profile",
          description: "Your name, password, two-factor sign-in and sessions.",
          action: "Manage your account",
        },
      ],
    },
  ];
  if (me.isStaff) {
    sections.push({
      title: "Administration",
      areas: [
        {
          to: "/admin/organisations",
          label: "Organisations",
          description: "Customer and partner organisations and their e-mail domains.",
          action: "Manage customers and partners",
        },
        {
          to: "/admin/users",
          label: "Users",
          description: "Accounts, roles and deactivation.",
          action: "Manage accounts",
        },
        {
          to: "/admin/audit",
          label: "Audit log",
          description: "Who did what, and whether the trail is intact.",
          action: "Check the trail",
        },
        {
          to: "/admin/mail",
          label: "Mail outbox",
          description: "Every e-mail the platform sent.",
          action: "Read sent mail",
        },
        {
          to: "/admin/imports",
          label: "Imports",
          description:
            "Bring in a Slack workspace, a Groups.io group or a Basecamp project, after a dry run.",
          action: "Import an export",
        },
        {
          to: "/admin/releases",
          label: "Release editor",
          description: "Write release notes, preview them and publish.",
          action: "Write a release",
        },
        {
          to: "/admin/webhooks",
          label: "Webhooks",
          description: "Slack-compatible webhooks told of each release, and their delivery logs.",
          action: "Manage webhooks",
        },
        {
          to: "/admin/sandbox-agreement",
          label: "Sandbox agreement",
          description: "Draft and publish the development environment's agreement; see who accepted.",
          action: "Edit the agreement",
        },
        {
          to: "/admin/sandbox-flags",
          label: "Sandbox flags",
          description: "Feature flags of the development environment, and where its notices go.",
          action: "Switch features",
        },
        {
          to: "/admin/sandbox-wipes",
          label: "Sandbox wipes",
          description: "Announce a wipe of the development environment, cancel it, or wipe now.",
          action: "Schedule a wipe",
        },
        {
          to: "/admin/sandbox/product",
          label: "Product environment",
          description:
            "The vendor's product behind the sandbox: its connection, provisioning and signed calls.",
          action: "Check the connection",
        },
      ],
    });
  }
  return sections;
}

/** A page the search palette can jump to by name. */
export type JumpPage = { to: string; label: string; description: string };

/**
 * Every page a person may jump to from the search palette: the navigation's areas, with the pages
 * reached from inside them that people look for by name.
 */
export function pagesFor(me: Me): JumpPage[] {
  return [
    { to: "/", label: "For you", description: "What happened for you: mentions, replies, releases." },
    ...areasFor(me).flatMap((section) =>
      section.areas.map(({ to, label, description }) => ({ to, label, description })),
    ),
    {
      to: "/settings/notifications",
      label: "Notification settings",
      description: "What reaches you, in the app and by e-mail, and your quiet hours.",
    },
    { to: "/desk/new", label: "New ticket", description: "Ask the product team for help." },
    {
      to: "/ideas/roadmap",
      label: "Roadmap",
      description: "Ideas under review, planned, in preview and released.",
    },
    { to: "/ideas/new", label: "Post an idea", description: "Suggest what would make Convene better." },
    { to: "/search", label: "Search", description: "Search everything, with filters and tips." },
  ];
}
