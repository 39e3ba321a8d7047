// What other modules may use of the desk: service functions only, never its tables.
export { openTicket } from "./tickets.js";
