// What other modules may use of the desk: service functions only, never its tables.

export { submitAccessRequest } from "./access-requests.js";
export { openTicket } from "./tickets.js";
