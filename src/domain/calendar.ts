/** Working time of the company, in its own time zone. Pure data; see businessHours.ts for the maths. */
export interface BusinessCalendar {
  /** IANA zone, e.g. "Europe/London". */
  timeZone: string;
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  workingDays: number[];
  /** Local "HH:mm" start and end of a working day (end exclusive, end > start). */
  start: string;
  end: string;
  /** Local dates "YYYY-MM-DD" that are not working days. */
  holidays: string[];
}
