import { createBrowserRouter, matchRoutes, Navigate, type RouteObject } from "react-router";
import { SignInPage } from "../features/accounts/SignInPage.js";
import { RequireSignedIn, RequireStaff } from "./gates.js";
import { HomePage } from "./HomePage.js";
import { lazyPage, preloadPages } from "./lazy-page.js";
import { NotFoundPage, RouteErrorPage } from "./NotFoundPage.js";
import { Shell } from "./Shell.js";

// The first pages a visitor sees (home, sign-in) come with the app; every other page is its own chunk,
// fetched when first opened, so a phone downloads the desk or the sandbox only when it goes there.
const AcceptInvitationPage = lazyPage(
  () => import("../features/accounts/AcceptInvitationPage.js"),
  "AcceptInvitationPage",
);
const ForgotPasswordPage = lazyPage(
  () => import("../features/accounts/ForgotPasswordPage.js"),
  "ForgotPasswordPage",
);
const InvitationsPage = lazyPage(() => import("../features/accounts/InvitationsPage.js"), "InvitationsPage");
const ProfilePage = lazyPage(() => import("../features/accounts/ProfilePage.js"), "ProfilePage");
const RequestAccessPage = lazyPage(
  () => import("../features/accounts/RequestAccessPage.js"),
  "RequestAccessPage",
);
const ResetPasswordPage = lazyPage(
  () => import("../features/accounts/ResetPasswordPage.js"),
  "ResetPasswordPage",
);
const AuditPage = lazyPage(() => import("../features/admin/AuditPage.js"), "AuditPage");
const MailOutboxPage = lazyPage(() => import("../features/admin/MailOutboxPage.js"), "MailOutboxPage");
const OrganisationsPage = lazyPage(
  () => import("../features/admin/OrganisationsPage.js"),
  "OrganisationsPage",
);
const UsersPage = lazyPage(() => import("../features/admin/UsersPage.js"), "UsersPage");
const ChatPage = lazyPage(() => import("../features/chat/ChatPage.js"), "ChatPage");
const DeskPage = lazyPage(() => import("../features/desk/DeskPage.js"), "DeskPage");
const NewTicketPage = lazyPage(() => import("../features/desk/NewTicketPage.js"), "NewTicketPage");
const TicketPage = lazyPage(() => import("../features/desk/TicketPage.js"), "TicketPage");
const NotificationPreferencesPage = lazyPage(
  () => import("../features/notifications/NotificationPreferencesPage.js"),
  "NotificationPreferencesPage",
);
const GroupPage = lazyPage(() => import("../features/groups/GroupPage.js"), "GroupPage");
const GroupsPage = lazyPage(() => import("../features/groups/GroupsPage.js"), "GroupsPage");
const GroupMembersPage = lazyPage(() => import("../features/groups/MembersPage.js"), "MembersPage");
const GroupModerationPage = lazyPage(() => import("../features/groups/ModerationPage.js"), "ModerationPage");
const GroupSettingsPage = lazyPage(() => import("../features/groups/SettingsPage.js"), "SettingsPage");
const GroupTopicPage = lazyPage(() => import("../features/groups/TopicPage.js"), "TopicPage");
const PharmacyPage = lazyPage(() => import("../features/pharmacy/PharmacyPage.js"), "PharmacyPage");
const ProjectPage = lazyPage(() => import("../features/projects/ProjectPage.js"), "ProjectPage");
const ProjectsPage = lazyPage(() => import("../features/projects/ProjectsPage.js"), "ProjectsPage");
const AdminReleasesPage = lazyPage(
  () => import("../features/releases/AdminReleasesPage.js"),
  "AdminReleasesPage",
);
const ReleaseEditorPage = lazyPage(
  () => import("../features/releases/ReleaseEditorPage.js"),
  "ReleaseEditorPage",
);
const ReleasePage = lazyPage(() => import("../features/releases/ReleasesPage.js"), "ReleasePage");
const ReleasesPage = lazyPage(() => import("../features/releases/ReleasesPage.js"), "ReleasesPage");
const WebhooksPage = lazyPage(() => import("../features/releases/WebhooksPage.js"), "WebhooksPage");
const AdminAgreementPage = lazyPage(
  () => import("../features/sandbox/AdminAgreementPage.js"),
  "AdminAgreementPage",
);
const DeploymentsPage = lazyPage(() => import("../features/sandbox/DeploymentsPage.js"), "DeploymentsPage");
const EnvironmentStatusPage = lazyPage(
  () => import("../features/sandbox/EnvironmentStatusPage.js"),
  "EnvironmentStatusPage",
);
const FlagsPage = lazyPage(() => import("../features/sandbox/FlagsPage.js"), "FlagsPage");
const ImportPage = lazyPage(() => import("../features/sandbox/ImportPage.js"), "ImportPage");
const SandboxAgreementPage = lazyPage(
  () => import("../features/sandbox/SandboxPage.js"),
  "SandboxAgreementPage",
);
const SandboxPage = lazyPage(() => import("../features/sandbox/SandboxPage.js"), "SandboxPage");
const StudiesPage = lazyPage(() => import("../features/sandbox/StudiesPage.js"), "StudiesPage");
const StudyPage = lazyPage(() => import("../features/sandbox/StudyPage.js"), "StudyPage");
const VolunteerPage = lazyPage(() => import("../features/sandbox/VolunteerPage.js"), "VolunteerPage");
const VolunteersPage = lazyPage(() => import("../features/sandbox/VolunteersPage.js"), "VolunteersPage");
const WipesPage = lazyPage(() => import("../features/sandbox/WipesPage.js"), "WipesPage");
const SearchPage = lazyPage(() => import("../features/search/SearchPage.js"), "SearchPage");

const routes: RouteObject[] = [
  {
    element: <Shell />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <HomePage /> },
      { path: "sign-in", element: <SignInPage /> },
      { path: "request-access", element: <RequestAccessPage /> },
      { path: "invite/:token", element: <AcceptInvitationPage /> },
      { path: "forgot-password", element: <ForgotPasswordPage /> },
      { path: "reset-password/:token", element: <ResetPasswordPage /> },
      { path: "releases", element: <ReleasesPage /> },
      { path: "releases/:version", element: <ReleasePage /> },
      {
        element: <RequireSignedIn />,
        children: [
          { path: "profile", element: <ProfilePage /> },
          { path: "invitations", element: <InvitationsPage /> },
          { path: "settings/notifications", element: <NotificationPreferencesPage /> },
          { path: "search", element: <SearchPage /> },
          { path: "chat", element: <ChatPage /> },
          { path: "chat/:channelId", element: <ChatPage /> },
          { path: "desk", element: <DeskPage /> },
          { path: "desk/new", element: <NewTicketPage /> },
          { path: "desk/tickets/:id", element: <TicketPage /> },
          { path: "groups", element: <GroupsPage /> },
          { path: "groups/:handle", element: <GroupPage /> },
          { path: "groups/:handle/topics/:topicId", element: <GroupTopicPage /> },
          { path: "groups/:handle/moderation", element: <GroupModerationPage /> },
          { path: "groups/:handle/members", element: <GroupMembersPage /> },
          { path: "groups/:handle/settings", element: <GroupSettingsPage /> },
          { path: "projects", element: <ProjectsPage /> },
          { path: "projects/:id/:tab?", element: <ProjectPage /> },
          { path: "sandbox", element: <SandboxPage /> },
          { path: "sandbox/agreement", element: <SandboxAgreementPage /> },
          { path: "sandbox/studies", element: <StudiesPage /> },
          { path: "sandbox/studies/:id", element: <StudyPage /> },
          { path: "sandbox/volunteers", element: <VolunteersPage /> },
          { path: "sandbox/volunteers/:id", element: <VolunteerPage /> },
          { path: "sandbox/import", element: <ImportPage /> },
          { path: "sandbox/deployments", element: <DeploymentsPage /> },
          { path: "sandbox/status", element: <EnvironmentStatusPage /> },
          { path: "sandbox/pharmacy", element: <PharmacyPage /> },
          { path: "sandbox/pharmacy/:tab", element: <PharmacyPage /> },
          {
            path: "admin",
            element: <RequireStaff />,
            children: [
              { index: true, element: <Navigate to="/admin/organisations" replace /> },
              { path: "organisations", element: <OrganisationsPage /> },
              { path: "users", element: <UsersPage /> },
              { path: "audit", element: <AuditPage /> },
              { path: "mail", element: <MailOutboxPage /> },
              { path: "releases", element: <AdminReleasesPage /> },
              { path: "releases/new", element: <ReleaseEditorPage /> },
              { path: "releases/:id", element: <ReleaseEditorPage /> },
              { path: "webhooks", element: <WebhooksPage /> },
              { path: "sandbox-agreement", element: <AdminAgreementPage /> },
              { path: "sandbox-flags", element: <FlagsPage /> },
              { path: "sandbox-wipes", element: <WipesPage /> },
            ],
          },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

preloadPages((matchRoutes(routes, window.location) ?? []).map((match) => match.route.element));

export const router = createBrowserRouter(routes);
