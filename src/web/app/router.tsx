import { createBrowserRouter, Navigate } from "react-router";
import { AcceptInvitationPage } from "../features/accounts/AcceptInvitationPage.js";
import { ForgotPasswordPage } from "../features/accounts/ForgotPasswordPage.js";
import { InvitationsPage } from "../features/accounts/InvitationsPage.js";
import { ProfilePage } from "../features/accounts/ProfilePage.js";
import { RequestAccessPage } from "../features/accounts/RequestAccessPage.js";
import { ResetPasswordPage } from "../features/accounts/ResetPasswordPage.js";
import { SignInPage } from "../features/accounts/SignInPage.js";
import { AuditPage } from "../features/admin/AuditPage.js";
import { MailOutboxPage } from "../features/admin/MailOutboxPage.js";
import { OrganisationsPage } from "../features/admin/OrganisationsPage.js";
import { UsersPage } from "../features/admin/UsersPage.js";
import { ChatPage } from "../features/chat/ChatPage.js";
import { DeskPage } from "../features/desk/DeskPage.js";
import { NewTicketPage } from "../features/desk/NewTicketPage.js";
import { TicketPage } from "../features/desk/TicketPage.js";
import { GroupPage } from "../features/groups/GroupPage.js";
import { GroupsPage } from "../features/groups/GroupsPage.js";
import { MembersPage as GroupMembersPage } from "../features/groups/MembersPage.js";
import { ModerationPage as GroupModerationPage } from "../features/groups/ModerationPage.js";
import { SettingsPage as GroupSettingsPage } from "../features/groups/SettingsPage.js";
import { TopicPage as GroupTopicPage } from "../features/groups/TopicPage.js";
import { PharmacyPage } from "../features/pharmacy/PharmacyPage.js";
import { ProjectPage } from "../features/projects/ProjectPage.js";
import { ProjectsPage } from "../features/projects/ProjectsPage.js";
import { AdminReleasesPage } from "../features/releases/AdminReleasesPage.js";
import { ReleaseEditorPage } from "../features/releases/ReleaseEditorPage.js";
import { ReleasePage, ReleasesPage } from "../features/releases/ReleasesPage.js";
import { WebhooksPage } from "../features/releases/WebhooksPage.js";
import { AdminAgreementPage } from "../features/sandbox/AdminAgreementPage.js";
import { DeploymentsPage } from "../features/sandbox/DeploymentsPage.js";
import { EnvironmentStatusPage } from "../features/sandbox/EnvironmentStatusPage.js";
import { FlagsPage } from "../features/sandbox/FlagsPage.js";
import { ImportPage } from "../features/sandbox/ImportPage.js";
import { SandboxAgreementPage, SandboxPage } from "../features/sandbox/SandboxPage.js";
import { StudiesPage } from "../features/sandbox/StudiesPage.js";
import { StudyPage } from "../features/sandbox/StudyPage.js";
import { VolunteerPage } from "../features/sandbox/VolunteerPage.js";
import { VolunteersPage } from "../features/sandbox/VolunteersPage.js";
import { WipesPage } from "../features/sandbox/WipesPage.js";
import { RequireSignedIn, RequireStaff } from "./gates.js";
import { HomePage } from "./HomePage.js";
import { NotFoundPage, RouteErrorPage } from "./NotFoundPage.js";
import { Shell } from "./Shell.js";

export const router = createBrowserRouter([
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
]);
