/** Builders for HL7 v2.5.1 ADT messages used by ingest tests (synthetic patients only). */
export interface AdtSpec {
  trigger: string;
  controlId: string;
  /** EVN-2 / MSH-7, HL7 DTM. */
  eventTime: string;
  mrn?: string;
  authority?: string;
  facility?: string;
  nhsNumber?: string;
  family?: string;
  given?: string;
  visit?: string;
  patientClass?: string;
  /** PV1-44; defaults to the event time. */
  admitTime?: string;
  dischargeTime?: string;
  /** PV1-36 discharge disposition (table 0112). */
  disposition?: string;
  location?: string;
  phone?: string;
  /** Extra segments appended (DG1, MRG…). */
  extra?: string[];
  /** MSH-15 / MSH-16 for enhanced mode. */
  acceptAck?: string;
  applicationAck?: string;
  version?: string;
  messageType?: string;
}

export function adt(spec: AdtSpec): string {
  const facility = spec.facility ?? 'NORTHRIV';
  const authority = spec.authority ?? facility;
  const ids = [`${spec.mrn ?? 'MRN001'}^^^${authority}^MR`, ...(spec.nhsNumber ? [`${spec.nhsNumber}^^^NHS^NH`] : [])].join('~');
  const msh = `MSH|^~\\&|PAS|${facility}|CAREBRIDGE|HIE|${spec.eventTime}||${spec.messageType ?? 'ADT'}^${spec.trigger}^ADT_A01|${spec.controlId}|P|${spec.version ?? '2.5.1'}|||${spec.acceptAck ?? ''}|${spec.applicationAck ?? ''}`;
  const segments = [
    msh.replace(/\|+$/, ''),
    `EVN|${spec.trigger}|${spec.eventTime}`,
    `PID|1||${ids}||${spec.family ?? 'Testperson'}^${spec.given ?? 'Alex'}||19600101|F|||1 Test Street^^Dudley^^DY1 1AA^GBR||${spec.phone ?? '01384000000'}`,
    `PV1|1|${spec.patientClass ?? 'I'}|${spec.location ?? 'WARD1^BED1^1^NORTHRIV'}|E|||||||||||||||${spec.visit ?? 'V001'}|||||||||||||||||${spec.disposition ?? ''}||||||||${spec.admitTime ?? spec.eventTime}|${spec.dischargeTime ?? ''}`,
    ...(spec.extra ?? []),
  ];
  return `${segments.join('\r')}\r`;
}
