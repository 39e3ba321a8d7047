import type { RouteObject } from "react-router";
import { SignInPage } from "../features/accounts/SignInPage.js";
import { RequireSignedIn, RequireStaff } from "./gates.js";
import { HomePage } from "./HomePage.js";
import { lazyPage } from "./lazy-page.js";
import { NotFoundPage, RouteErrorPage } from "./NotFoundPage.js";
import { Navigate } from "./navigate.js";
import { Shell } from "./Shell.js";

// The first pages a visitor sees (home, sign-in) come with the app; every other page is its own chunk,
// fetched when first opened, so a phone downloads the desk or the sandbox only when it goes there.

const AcceptInvitationPage = lazyPage("accounts/AcceptInvitationPage", "AcceptInvitationPage");
const ForgotPasswordPage = lazyPage("accounts/ForgotPasswordPage", "ForgotPasswordPage");
const InvitationsPage = lazyPage("accounts/InvitationsPage", "InvitationsPage");
const ProfilePage = lazyPage("accounts/ProfilePage", "ProfilePage");
const RequestAccessPage = lazyPage("accounts/RequestAccessPage", "RequestAccessPage");
const ResetPasswordPage = lazyPage("accounts/ResetPasswordPage", "ResetPasswordPage");
const AuditPage = lazyPage("admin/AuditPage", "AuditPage");
const MailOutboxPage = lazyPage("admin/MailOutboxPage", "MailOutboxPage");
const OrganisationsPage = lazyPage("admin/OrganisationsPage", "OrganisationsPage");
const UsersPage = lazyPage("admin/UsersPage", "UsersPage");
const ChatPage = lazyPage("chat/ChatPage", "ChatPage");
const DeskPage = lazyPage("desk/DeskPage", "DeskPage");
const MacrosPage = lazyPage("desk/MacrosPage", "MacrosPage");
const TicketFormsPage = lazyPage("desk/TicketFormsPage", "TicketFormsPage");
const NewTicketPage = lazyPage("desk/NewTicketPage", "NewTicketPage");
const TicketPage = lazyPage("desk/TicketPage", "TicketPage");
const SlaPolicyPage = lazyPage("desk/SlaPolicyPage", "SlaPolicyPage");
const DeskReportsPage = lazyPage("desk/DeskReportsPage", "DeskReportsPage");
const NotificationPreferencesPage = lazyPage(
  "notifications/NotificationPreferencesPage",
  "NotificationPreferencesPage",
);
const GroupPage = lazyPage("groups/GroupPage", "GroupPage");
const GroupsPage = lazyPage("groups/GroupsPage", "GroupsPage");
const GroupMembersPage = lazyPage("groups/MembersPage", "MembersPage");
const GroupModerationPage = lazyPage("groups/ModerationPage", "ModerationPage");
const GroupSettingsPage = lazyPage("groups/SettingsPage", "SettingsPage");
const GroupTopicPage = lazyPage("groups/TopicPage", "TopicPage");
const ArticleEditorPage = lazyPage("knowledge/ArticleEditorPage", "ArticleEditorPage");
const ArticlePage = lazyPage("knowledge/ArticlePage", "ArticlePage");
const KnowledgePage = lazyPage("knowledge/KnowledgePage", "KnowledgePage");
const IdeaPage = lazyPage("ideas/IdeaPage", "IdeaPage");
const IdeasPage = lazyPage("ideas/IdeasPage", "IdeasPage");
const NewIdeaPage = lazyPage("ideas/NewIdeaPage", "NewIdeaPage");
const RoadmapPage = lazyPage("ideas/RoadmapPage", "RoadmapPage");
const ImportRunPage = lazyPage("imports/ImportRunPage", "ImportRunPage");
const ImportsPage = lazyPage("imports/ImportsPage", "ImportsPage");
const PharmacyPage = lazyPage("pharmacy/PharmacyPage", "PharmacyPage");
const ProjectPage = lazyPage("projects/ProjectPage", "ProjectPage");
const ProjectsPage = lazyPage("projects/ProjectsPage", "ProjectsPage");
const AdminReleasesPage = lazyPage("releases/AdminReleasesPage", "AdminReleasesPage");
const ReleaseEditorPage = lazyPage("releases/ReleaseEditorPage", "ReleaseEditorPage");
const ReleasePage = lazyPage("releases/ReleasesPage", "ReleasePage");
const ReleasesPage = lazyPage("releases/ReleasesPage", "ReleasesPage");
const WebhooksPage = lazyPage("releases/WebhooksPage", "WebhooksPage");
const AdminAgreementPage = lazyPage("sandbox/AdminAgreementPage", "AdminAgreementPage");
const DeploymentsPage = lazyPage("sandbox/DeploymentsPage", "DeploymentsPage");
const EnvironmentStatusPage = lazyPage("sandbox/EnvironmentStatusPage", "EnvironmentStatusPage");
const FlagsPage = lazyPage("sandbox/FlagsPage", "FlagsPage");
const ImportPage = lazyPage("sandbox/ImportPage", "ImportPage");
const ProductPage = lazyPage("sandbox/ProductPage", "ProductPage");
const SandboxAgreementPage = lazyPage("sandbox/SandboxPage", "SandboxAgreementPage");
const SandboxPage = lazyPage("sandbox/SandboxPage", "SandboxPage");
const StudiesPage = lazyPage("sandbox/StudiesPage", "StudiesPage");
const StudyPage = lazyPage("sandbox/StudyPage", "StudyPage");
const VolunteerPage = lazyPage("sandbox/VolunteerPage", "VolunteerPage");
const VolunteersPage = lazyPage("sandbox/VolunteersPage", "VolunteersPage");
const WipesPage = lazyPage("sandbox/WipesPage", "WipesPage");
const SearchPage = lazyPage("search/SearchPage", "SearchPage");

export const routes: RouteObject[] = [
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
          {
            path: "desk",
            element: <RequireStaff />,
            children: [
              { path: "sla", element: <SlaPolicyPage /> },
              { path: "reports", element: <DeskReportsPage /> },
              { path: "macros", element: <MacrosPage /> },
              { path: "forms", element: <TicketFormsPage /> },
            ],
          },
          { path: "help", element: <KnowledgePage /> },
          { path: "help/articles/:id", element: <ArticlePage /> },
          {
            path: "help/articles",
            element: <RequireStaff />,
            children: [
              { path: "new", element: <ArticleEditorPage /> },
              { path: ":id/edit", element: <ArticleEditorPage /> },
            ],
          },
          { path: "groups", element: <GroupsPage /> },
          { path: "groups/:handle", element: <GroupPage /> },
          { path: "groups/:handle/topics/:topicId", element: <GroupTopicPage /> },
          { path: "groups/:handle/moderation", element: <GroupModerationPage /> },
          { path: "groups/:handle/members", element: <GroupMembersPage /> },
          { path: "groups/:handle/settings", element: <GroupSettingsPage /> },
          { path: "ideas", element: <IdeasPage /> },
          { path: "ideas/new", element: <NewIdeaPage /> },
          { path: "ideas/roadmap", element: <RoadmapPage /> },
          { path: "ideas/:id", element: <IdeaPage /> },
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
              { path: "imports", element: <ImportsPage /> },
              { path: "imports/:id", element: <ImportRunPage /> },
              { path: "releases", element: <AdminReleasesPage /> },
              { path: "releases/new", element: <ReleaseEditorPage /> },
              { path: "releases/:id", element: <ReleaseEditorPage /> },
              { path: "webhooks", element: <WebhooksPage /> },
              { path: "sandbox-agreement", element: <AdminAgreementPage /> },
              { path: "sandbox-flags", element: <FlagsPage /> },
              { path: "sandbox-wipes", element: <WipesPage /> },
              { path: "sandbox/product", element: <ProductPage /> },
            ],
          },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
