// The flow a web application runs, written against the library's API as it is passed in (the ES module's exports,
// or the classic script's OpenScws global), so that both bundles run the same steps. Later steps (login,
// getObjects, sign) are added here as the API offers them.
export async function runFlow(api, { port, label }) {
  const scws = api.createScws({ ports: [port] });
  try {
    const added = [];
    scws.onreaderadded = (reader) => added.push(reader.name);
    await scws.findService();
    const readers = await scws.updateReaderList();
    const reader = readers.find((candidate) => candidate.tokenSummary?.label === label);
    const token = await reader.connect();
    const result = {
      service: scws.service.name,
      added,
      readerName: reader.name,
      sameByName: scws.getReader(reader.name) === reader,
      isToken: token instanceof scws.Token,
      label: token.label,
      serialNumber: token.serialNumber,
      pins: token.pins.map((pin) => ({ validated: pin.validated, blocked: pin.blocked })),
    };
    await token.disconnect();
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: { name: error.name, code: error.code, message: error.message, isScwsError: error instanceof api.ScwsError } };
  }
}
