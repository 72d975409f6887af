/** Cron entry: hourly aggregation, daily quota warnings, monthly invoicing (jobs arrive with the billing work). */
export async function handleScheduled(controller: ScheduledController, _env: Env) {
  console.log(JSON.stringify({ level: 'info', msg: 'cron', cron: controller.cron, scheduledTime: new Date(controller.scheduledTime).toISOString() }));
}
